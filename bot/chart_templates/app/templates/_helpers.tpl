{{/* Chart name, cut to 63 characters: the DNS label limit of Kubernetes names. */}}
{{- define "chart.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name; a release name that already contains the chart name is used as is. */}}
{{- define "chart.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "chart.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "chart.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chart.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "chart.labels" -}}
helm.sh/chart: {{ include "chart.chart" . }}
{{ include "chart.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Object metadata shared by every object of the chart: name, labels, common annotations. */}}
{{- define "chart.metadata" -}}
name: {{ include "chart.fullname" . }}
labels:
  {{- include "chart.labels" . | nindent 2 }}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "chart.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "chart.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* An image reference from {registry, repository, tag, digest}; a digest pins it. */}}
{{- define "chart.imageRef" -}}
{{- $repo := .repository -}}
{{- if .registry }}{{ $repo = printf "%s/%s" .registry .repository }}{{ end -}}
{{- if .digest }}{{ printf "%s@%s" $repo .digest }}{{ else }}{{ printf "%s:%s" $repo (required "image tag or digest is required" .tag) }}{{ end }}
{{- end }}

{{/* Volume mounts every container shares: writable scratch dirs and the persistent volume. */}}
{{- define "chart.volumeMounts" -}}
{{- range .Values.writableDirs }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
{{- end }}
{{- if .Values.persistence.enabled }}
- name: data
  mountPath: {{ .Values.persistence.mountPath }}
{{- end }}
{{- end }}

{{/* An init container or sidecar: restricted security context and small resources unless set. */}}
{{- define "chart.extraContainer" -}}
{{- $root := .root }}
{{- $c := .container }}
- name: {{ $c.name }}
  image: {{ include "chart.imageRef" (default $root.Values.image $c.image) | quote }}
  imagePullPolicy: {{ default "IfNotPresent" $c.imagePullPolicy }}
  {{- with $c.command }}
  command:
    {{- tpl (toYaml .) $root | nindent 4 }}
  {{- end }}
  {{- with $c.args }}
  args:
    {{- tpl (toYaml .) $root | nindent 4 }}
  {{- end }}
  {{- with $c.env }}
  env:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.ports }}
  ports:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml (default $root.Values.containerSecurityContext $c.securityContext) | nindent 4 }}
  resources:
    {{- toYaml (default (dict "requests" (dict "cpu" "10m" "memory" "32Mi") "limits" (dict "cpu" "200m" "memory" "128Mi")) $c.resources) | nindent 4 }}
  volumeMounts:
    {{- include "chart.volumeMounts" $root | nindent 4 }}
{{- end }}

{{/* The pod spec every workload kind shares. Call with (dict "root" $ "claim" bool). */}}
{{- define "chart.podSpec" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
serviceAccountName: {{ include "chart.serviceAccountName" $root }}
automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- range . }}
  - {{ toYaml (omit . "labelSelector") | nindent 4 | trim }}
    labelSelector:
      {{- if .labelSelector }}
      {{- toYaml .labelSelector | nindent 6 }}
      {{- else }}
      matchLabels:
        {{- include "chart.selectorLabels" $root | nindent 8 }}
      {{- end }}
  {{- end }}
{{- end }}
{{- if $v.initContainers }}
initContainers:
  {{- range $v.initContainers }}
  {{- include "chart.extraContainer" (dict "root" $root "container" .) | nindent 2 }}
  {{- end }}
{{- end }}
containers:
  - name: {{ include "chart.name" $root }}
    image: {{ include "chart.imageRef" $v.image | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    {{- with $v.command }}
    command:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $v.args }}
    args:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $v.containerPorts }}
    ports:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- if or $v.env $v.secretEnv $v.connections }}
    env:
      {{- with $v.env }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
      {{- range $v.secretEnv }}
      - name: {{ .name }}
        valueFrom:
          secretKeyRef:
            name: {{ default $v.existingSecret .secretName | required "secretEnv needs secretName or existingSecret" }}
            key: {{ .key }}
      {{- end }}
      {{- range $v.connections }}
      {{- if (index $v .name).enabled }}
      - name: {{ .hostEnv }}
        value: {{ printf "%s-%s" $root.Release.Name .name | trunc 63 | trimSuffix "-" | quote }}
      - name: {{ .portEnv }}
        value: {{ .port | quote }}
      {{- end }}
      {{- end }}
    {{- end }}
    {{- if or $v.config $v.extraEnvFrom }}
    envFrom:
      {{- if $v.config }}
      - configMapRef:
          name: {{ include "chart.fullname" $root }}
      {{- end }}
      {{- with $v.extraEnvFrom }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    {{- end }}
    {{- range $probe := list "livenessProbe" "readinessProbe" "startupProbe" }}
    {{- $spec := index $v $probe }}
    {{- if and $spec $spec.enabled }}
    {{ $probe }}:
      {{- toYaml (omit $spec "enabled") | nindent 6 }}
    {{- end }}
    {{- end }}
    resources:
      {{- toYaml $v.resources | nindent 6 }}
    securityContext:
      {{- toYaml $v.containerSecurityContext | nindent 6 }}
    volumeMounts:
      {{- include "chart.volumeMounts" $root | nindent 6 }}
  {{- range $v.sidecars }}
  {{- include "chart.extraContainer" (dict "root" $root "container" .) | nindent 2 }}
  {{- end }}
volumes:
  {{- range $v.writableDirs }}
  - name: {{ .name }}
    emptyDir:
      sizeLimit: {{ .sizeLimit }}
  {{- end }}
  {{- if and $v.persistence.enabled .claim }}
  - name: data
    persistentVolumeClaim:
      claimName: {{ default (include "chart.fullname" $root) $v.persistence.existingClaim }}
  {{- end }}
{{- end }}

{{/* Pod template metadata: selector labels, pod labels, a config checksum so edits roll pods. */}}
{{- define "chart.podMetadata" -}}
labels:
  {{- include "chart.labels" . | nindent 2 }}
  {{- with .Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- if or .Values.podAnnotations .Values.config }}
annotations:
  {{- with .Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- if .Values.config }}
  checksum/config: {{ toYaml .Values.config | sha256sum }}
  {{- end }}
{{- end }}
{{- end }}
