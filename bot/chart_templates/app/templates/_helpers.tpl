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

{{/* Labels every pod of the release carries: the NetworkPolicy selects the whole app by them. */}}
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

{{/* Object metadata of the chart-wide objects (ServiceAccount, NetworkPolicy, Ingress...). */}}
{{- define "chart.metadata" -}}
name: {{ include "chart.fullname" . }}
namespace: {{ .Release.Namespace }}
labels:
  {{- include "chart.labels" . | nindent 2 }}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Every per-workload definition takes a context dict:
  root: $   v: the workload's values (.Values for the main one, .Values.components.<name> else)
  component: its app.kubernetes.io/component label   name: its objects' name   main: bool
*/}}
{{- define "chart.componentSelectorLabels" -}}
{{ include "chart.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "chart.componentLabels" -}}
{{ include "chart.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Metadata of one workload's objects: (dict "ctx" ctx ["name" override] ["annotations" extra]). */}}
{{- define "chart.componentMetadata" -}}
{{- $ctx := .ctx }}
name: {{ .name | default $ctx.name }}
namespace: {{ $ctx.root.Release.Namespace }}
labels:
  {{- include "chart.componentLabels" $ctx | nindent 2 }}
{{- $annotations := dict }}
{{- range $k, $v := ($ctx.root.Values.commonAnnotations | default dict) }}{{ $_ := set $annotations $k $v }}{{ end }}
{{- range $k, $v := (.annotations | default dict) }}{{ $_ := set $annotations $k $v }}{{ end }}
{{- with $annotations }}
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

{{/* A workload's image: its own, else the chart's. */}}
{{- define "chart.workloadImage" -}}
{{- if and .v.image .v.image.repository }}{{ toJson .v.image }}{{ else }}{{ toJson .root.Values.image }}{{ end }}
{{- end }}

{{/* Volume mounts every container of a workload shares. */}}
{{- define "chart.volumeMounts" -}}
{{- $v := .v -}}
{{- range $v.writableDirs }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
{{- end }}
{{- if $v.persistence.enabled }}
- name: data
  mountPath: {{ $v.persistence.mountPath }}
{{- end }}
{{- range $v.extraVolumes }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
{{- end }}
{{- range $v.configMounts }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
  readOnly: true
  {{- with .subPath }}
  subPath: {{ . }}
  {{- end }}
{{- end }}
{{- range $v.secretMounts }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
  readOnly: true
{{- end }}
{{- range $v.hostMounts }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
  readOnly: {{ .readOnly }}
{{- end }}
{{- end }}

{{/* An init container or sidecar: restricted security context and small resources unless set. */}}
{{- define "chart.extraContainer" -}}
{{- $ctx := .ctx }}
{{- $root := $ctx.root }}
{{- $c := .container }}
- name: {{ $c.name }}
  image: {{ include "chart.imageRef" (default (include "chart.workloadImage" $ctx | fromJson) $c.image) | quote }}
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
    {{- include "chart.volumeMounts" $ctx | trim | nindent 4 }}
{{- end }}

{{/* Pod template metadata: selector labels, pod labels, a config checksum so edits roll pods. */}}
{{- define "chart.podMetadata" -}}
labels:
  {{- include "chart.componentLabels" . | nindent 2 }}
  {{- with .v.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- if or .v.podAnnotations .v.config }}
annotations:
  {{- with .v.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- if .v.config }}
  checksum/config: {{ toYaml .v.config | sha256sum }}
  {{- end }}
{{- end }}
{{- end }}
