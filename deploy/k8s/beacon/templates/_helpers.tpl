{{/* Names and labels shared by every template. */}}

{{- define "beacon.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-beacon, or the release name alone when it already contains the chart name. */}}
{{- define "beacon.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "beacon.collector.fullname" -}}
{{- printf "%s-collector" (include "beacon.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "beacon.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "beacon.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "beacon.collector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "beacon.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: collector
{{- end -}}

{{- define "beacon.collector.labels" -}}
{{ include "beacon.labels" . }}
app.kubernetes.io/component: collector
{{- end -}}

{{- define "beacon.collector.image" -}}
{{- printf "%s:%s" .Values.collector.image.repository (default .Chart.AppVersion .Values.collector.image.tag) -}}
{{- end -}}

{{/* The Secret holding the collector's secret settings: the user's, or the one this chart creates. */}}
{{- define "beacon.collector.secretName" -}}
{{- default (printf "%s-secrets" (include "beacon.collector.fullname" .)) .Values.collector.secrets.existingSecret -}}
{{- end -}}

{{/* In-cluster URL of the collector's API port (query API, /metrics), for Grafana's app plugin. */}}
{{- define "beacon.collector.apiUrl" -}}
{{- printf "http://%s.%s.svc:%v" (include "beacon.collector.fullname" .) .Release.Namespace .Values.collector.service.ports.api -}}
{{- end -}}
