{{/* The pod spec every workload kind shares; takes a workload context plus "claim" (bool). */}}
{{- define "chart.podSpec" -}}
{{- $root := .root -}}
{{- $v := .v -}}
{{- $ctx := . -}}
{{- $image := include "chart.workloadImage" . | fromJson -}}
{{- if $v.hook }}
{{- /* A hook runs before the chart's ServiceAccount exists: the namespace's default one, no token. */}}
automountServiceAccountToken: false
{{- else }}
serviceAccountName: {{ include "chart.serviceAccountName" $root }}
automountServiceAccountToken: {{ if hasKey $v "automountServiceAccountToken" }}{{ $v.automountServiceAccountToken }}{{ else }}{{ $root.Values.serviceAccount.automountServiceAccountToken }}{{ end }}
{{- end }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- toYaml (default $root.Values.podSecurityContext $v.podSecurityContext) | nindent 2 }}
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
        {{- include "chart.componentSelectorLabels" $ctx | nindent 8 }}
      {{- end }}
  {{- end }}
{{- end }}
{{- if $v.initContainers }}
initContainers:
  {{- range $v.initContainers }}
  {{- include "chart.extraContainer" (dict "ctx" $ctx "container" .) | trim | nindent 2 }}
  {{- end }}
{{- end }}
containers:
  - name: {{ if .main }}{{ include "chart.name" $root }}{{ else }}{{ .component }}{{ end }}
    image: {{ include "chart.imageRef" $image | quote }}
    imagePullPolicy: {{ $image.pullPolicy | default "IfNotPresent" }}
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
    {{- if or $v.env $v.secretEnv $v.connections $v.peers }}
    env:
      {{- with $v.env }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
      {{- range $v.secretEnv }}
      - name: {{ .name }}
        valueFrom:
          secretKeyRef:
            name: {{ default (default $root.Values.existingSecret $v.existingSecret) .secretName | required "secretEnv needs secretName or existingSecret" }}
            key: {{ .key | quote }}
      {{- end }}
      {{- include "chart.connectionEnv" $ctx | trim | nindent 6 }}
      {{- include "chart.peerEnv" $ctx | trim | nindent 6 }}
    {{- end }}
    {{- if or $v.config $v.extraEnvFrom }}
    envFrom:
      {{- if $v.config }}
      - configMapRef:
          name: {{ .name }}
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
      {{- toYaml (default $root.Values.containerSecurityContext $v.containerSecurityContext) | nindent 6 }}
    volumeMounts:
      {{- include "chart.volumeMounts" $ctx | trim | nindent 6 }}
  {{- range $v.sidecars }}
  {{- include "chart.extraContainer" (dict "ctx" $ctx "container" .) | trim | nindent 2 }}
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
      claimName: {{ tpl (default .name $v.persistence.existingClaim) $root }}
  {{- end }}
  {{- range $v.extraVolumes }}
  {{- if or $ctx.claim .existingClaim }}
  - name: {{ .name }}
    persistentVolumeClaim:
      claimName: {{ tpl (default (printf "%s-%s" $ctx.name .name | trunc 63 | trimSuffix "-") .existingClaim) $root }}
  {{- end }}
  {{- end }}
  {{- range $v.configMounts }}
  - name: {{ .name }}
    configMap:
      name: {{ .configMap }}
  {{- end }}
  {{- range $v.secretMounts }}
  - name: {{ .name }}
    secret:
      secretName: {{ default (default $root.Values.existingSecret $v.existingSecret) .secretName | required "secretMounts needs secretName or existingSecret" }}
  {{- end }}
  {{- range $v.hostMounts }}
  - name: {{ .name }}
    hostPath:
      path: {{ .hostPath }}
      type: {{ .type | default "Directory" }}
  {{- end }}
{{- end }}

{{/*
Environment that reaches the bundled datastores, from one source of truth: the datastore's own
values (host, user, database, the Secret it reads its password from). The password comes first
so that a URL can use it through $(VAR) expansion.
*/}}
{{- define "chart.connectionEnv" -}}
{{- $root := .root -}}
{{- range $c := .v.connections }}
{{- $ds := index $root.Values $c.name | default dict }}
{{- if $ds.enabled }}
{{- $host := printf "%s-%s" $root.Release.Name $c.name | trunc 63 | trimSuffix "-" }}
{{- $auth := $ds.auth | default dict }}
{{- $password := "" }}
{{- if $auth.key }}
{{- $password = printf "%s_PASSWORD" ($c.name | upper | replace "-" "_") }}
{{- range $c.env }}{{ if eq .from "password" }}{{ $password = .name }}{{ end }}{{ end }}
- name: {{ $password }}
  valueFrom:
    secretKeyRef:
      name: {{ default $host $auth.existingSecret }}
      key: {{ $auth.key | quote }}
{{- end }}
{{- range $c.env }}
{{- if eq .from "host" }}
- name: {{ .name }}
  value: {{ if .withPort }}{{ printf "%s:%v" $host $c.port | quote }}{{ else }}{{ $host | quote }}{{ end }}
{{- else if eq .from "port" }}
- name: {{ .name }}
  value: {{ $c.port | quote }}
{{- else if and (eq .from "user") $auth.username }}
- name: {{ .name }}
  value: {{ $auth.username | quote }}
{{- else if and (eq .from "database") $auth.database }}
- name: {{ .name }}
  value: {{ $auth.database | quote }}
{{- else if eq .from "url" }}
{{- $userinfo := "" }}
{{- /* a JDBC URL takes no user info: its driver reads the user and password apart */}}
{{- if and $password (not (hasPrefix "jdbc:" $c.scheme)) }}{{ $userinfo = printf "%s:$(%s)@" ($auth.username | default "") $password }}{{ end }}
{{- $path := "" }}
{{- if $auth.database }}{{ $path = printf "/%s" $auth.database }}{{ end }}
- name: {{ .name }}
  value: {{ printf "%s://%s%s:%v%s%s" $c.scheme $userinfo $host $c.port $path ($c.urlPath | default "") | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- /* Variables that name another workload of this chart: its Service, as components.yaml
     names it (the release part gives way so the part's own name stays whole). */}}
{{- define "chart.peerEnv" -}}
{{- $root := .root -}}
{{- range .v.peers }}
{{- $host := include "chart.fullname" $root }}
{{- if .component }}
{{- $release := $host | trunc (int (max 1 (sub 63 (add 1 (len .component))))) | trimSuffix "-" }}
{{- $host = printf "%s-%s" $release .component | trunc 63 | trimSuffix "-" }}
{{- end }}
- name: {{ .name }}
  {{- if eq .form "url" }}
  value: {{ printf "%s://%s:%v%s" (.scheme | default "http") $host .port (.path | default "") | quote }}
  {{- else if eq .form "address" }}
  value: {{ printf "%s:%v" $host .port | quote }}
  {{- else if eq .form "port" }}
  value: {{ .port | quote }}
  {{- else }}
  value: {{ $host | quote }}
  {{- end }}
{{- end }}
{{- end }}
