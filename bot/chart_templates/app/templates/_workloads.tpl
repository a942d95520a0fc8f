{{/* One definition per workload kind and per object around a workload; each takes a context. */}}

{{- define "chart.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" .) | trim | nindent 2 }}
spec:
  {{- if not (and .v.autoscaling .v.autoscaling.enabled) }}
  replicas: {{ .v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  {{- with .v.updateStrategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "chart.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- include "chart.podMetadata" . | nindent 6 }}
    spec:
      {{- $_ := set . "claim" true }}
      {{- include "chart.podSpec" . | trim | nindent 6 }}
{{- end }}

{{- define "chart.statefulset" -}}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" .) | trim | nindent 2 }}
spec:
  {{- if not (and .v.autoscaling .v.autoscaling.enabled) }}
  replicas: {{ .v.replicaCount }}
  {{- end }}
  serviceName: {{ .name }}-headless
  podManagementPolicy: Parallel
  revisionHistoryLimit: 5
  {{- with .v.updateStrategy }}
  updateStrategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "chart.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- include "chart.podMetadata" . | nindent 6 }}
    spec:
      {{- $_ := set . "claim" (not (empty .v.persistence.existingClaim)) }}
      {{- include "chart.podSpec" . | trim | nindent 6 }}
  {{- if and .v.persistence.enabled (not .v.persistence.existingClaim) }}
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Retain
    whenScaled: Retain
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          {{- include "chart.componentSelectorLabels" . | nindent 10 }}
      spec:
        accessModes:
          {{- toYaml .v.persistence.accessModes | nindent 10 }}
        {{- with .v.persistence.storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ .v.persistence.size }}
  {{- end }}
  {{- range .v.extraVolumes }}
  {{- if not .existingClaim }}
    - metadata:
        name: {{ .name }}
        labels:
          {{- include "chart.componentSelectorLabels" $ | nindent 10 }}
      spec:
        accessModes:
          {{- toYaml .accessModes | nindent 10 }}
        {{- with .storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ .size }}
  {{- end }}
  {{- end }}
{{- end }}

{{- define "chart.daemonset" -}}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" .) | trim | nindent 2 }}
spec:
  revisionHistoryLimit: 5
  {{- with .v.updateStrategy }}
  updateStrategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "chart.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- include "chart.podMetadata" . | nindent 6 }}
    spec:
      {{- $_ := set . "claim" true }}
      {{- include "chart.podSpec" . | trim | nindent 6 }}
{{- end }}

{{- define "chart.jobSpec" -}}
backoffLimit: {{ .v.cronjob.backoffLimit }}
{{- with .v.cronjob.activeDeadlineSeconds }}
activeDeadlineSeconds: {{ . }}
{{- end }}
{{- with .v.cronjob.ttlSecondsAfterFinished }}
ttlSecondsAfterFinished: {{ . }}
{{- end }}
template:
  metadata:
    {{- include "chart.podMetadata" . | nindent 4 }}
  spec:
    restartPolicy: {{ if .v.hook }}Never{{ else }}OnFailure{{ end }}
    {{- $_ := set . "claim" true }}
    {{- include "chart.podSpec" . | trim | nindent 4 }}
{{- end }}

{{- define "chart.cronjob" -}}
apiVersion: batch/v1
kind: CronJob
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" .) | trim | nindent 2 }}
spec:
  schedule: {{ .v.cronjob.schedule | quote }}
  {{- with .v.cronjob.timeZone }}
  timeZone: {{ . | quote }}
  {{- end }}
  concurrencyPolicy: {{ .v.cronjob.concurrencyPolicy }}
  {{- if .v.cronjob.suspend }}
  suspend: true
  {{- end }}
  successfulJobsHistoryLimit: {{ .v.cronjob.successfulJobsHistoryLimit }}
  failedJobsHistoryLimit: {{ .v.cronjob.failedJobsHistoryLimit }}
  {{- with .v.cronjob.startingDeadlineSeconds }}
  startingDeadlineSeconds: {{ . }}
  {{- end }}
  jobTemplate:
    spec:
      {{- include "chart.jobSpec" . | nindent 6 }}
{{- end }}

{{/* A Job; with .v.hook it is a Helm hook (e.g. migrations before an upgrade). */}}
{{- define "chart.job" -}}
{{- $annotations := dict }}
{{- if .v.hook }}
{{- $annotations = dict "helm.sh/hook" .v.hook "helm.sh/hook-weight" (toString (.v.hookWeight | default 0)) "helm.sh/hook-delete-policy" "before-hook-creation,hook-succeeded" }}
{{- end }}
apiVersion: batch/v1
kind: Job
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" . "annotations" $annotations) | trim | nindent 2 }}
spec:
  {{- include "chart.jobSpec" . | nindent 2 }}
{{- end }}

{{- define "chart.service" -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" . "annotations" .v.service.annotations) | trim | nindent 2 }}
spec:
  type: {{ .v.service.type }}
  {{- if .v.service.sessionAffinity }}
  sessionAffinity: {{ .v.service.sessionAffinity }}
  {{- end }}
  ports:
    {{- range .v.service.ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .targetPort }}
      protocol: {{ .protocol | default "TCP" }}
      {{- with .nodePort }}
      nodePort: {{ . }}
      {{- end }}
    {{- end }}
  selector:
    {{- include "chart.componentSelectorLabels" . | nindent 4 }}
{{- end }}

{{- define "chart.headlessService" -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" . "name" (printf "%s-headless" .name)) | trim | nindent 2 }}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  ports:
    {{- range .v.containerPorts }}
    - name: {{ .name }}
      port: {{ .containerPort }}
      targetPort: {{ .name }}
      protocol: {{ .protocol | default "TCP" }}
    {{- end }}
  selector:
    {{- include "chart.componentSelectorLabels" . | nindent 4 }}
{{- end }}

{{- define "chart.hpa" -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" .) | trim | nindent 2 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .v.autoscaling.targetKind | default "Deployment" }}
    name: {{ .name }}
  minReplicas: {{ .v.autoscaling.minReplicas }}
  maxReplicas: {{ .v.autoscaling.maxReplicas }}
  metrics:
    {{- with .v.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with .v.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with .v.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{- define "chart.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" .) | trim | nindent 2 }}
spec:
  {{- if .v.podDisruptionBudget.maxUnavailable }}
  maxUnavailable: {{ .v.podDisruptionBudget.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .v.podDisruptionBudget.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "chart.componentSelectorLabels" . | nindent 6 }}
{{- end }}

{{/* A claim: (dict "ctx" ctx "volume" {size, storageClass, accessModes} "name" name). */}}
{{- define "chart.pvc" -}}
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  {{- include "chart.componentMetadata" (dict "ctx" .ctx "name" .name "annotations" (dict "helm.sh/resource-policy" "keep")) | trim | nindent 2 }}
spec:
  accessModes:
    {{- toYaml .volume.accessModes | nindent 4 }}
  {{- with .volume.storageClass }}
  storageClassName: {{ . }}
  {{- end }}
  resources:
    requests:
      storage: {{ .volume.size }}
{{- end }}

{{/* Everything one workload renders, by its kind: the workload and the objects around it. */}}
{{- define "chart.workloadObjects" -}}
{{- $kind := .kind | default .v.kind | default "Deployment" }}
{{- $runs := not (has $kind (list "CronJob" "Job")) }}
{{- include (printf "chart.%s" (lower $kind)) . }}
{{- if and $runs .v.service .v.service.enabled }}
---
{{ include "chart.service" . }}
{{- end }}
{{- if eq $kind "StatefulSet" }}
---
{{ include "chart.headlessService" . }}
{{- end }}
{{- if and (has $kind (list "Deployment" "StatefulSet")) .v.autoscaling .v.autoscaling.enabled }}
---
{{ include "chart.hpa" . }}
{{- end }}
{{- if and (has $kind (list "Deployment" "StatefulSet")) .v.podDisruptionBudget .v.podDisruptionBudget.enabled }}
---
{{ include "chart.pdb" . }}
{{- end }}
{{- if and (ne $kind "StatefulSet") .v.persistence .v.persistence.enabled (not .v.persistence.existingClaim) }}
---
{{ include "chart.pvc" (dict "ctx" . "volume" .v.persistence "name" .name) }}
{{- end }}
{{- if ne $kind "StatefulSet" }}
{{- $ctx := . }}
{{- range .v.extraVolumes }}
{{- if not .existingClaim }}
---
{{ include "chart.pvc" (dict "ctx" $ctx "volume" . "name" (printf "%s-%s" $ctx.name .name | trunc 63 | trimSuffix "-")) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
