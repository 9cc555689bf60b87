{{/* The release's name for every object (cluster-scoped ones too, so two releases never meet). */}}
{{- define "matterops.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "matterops.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "matterops.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "matterops.serviceAccountName" -}}
{{- default (include "matterops.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "matterops.stateNamespace" -}}
{{- default .Release.Namespace .Values.stateNamespace -}}
{{- end -}}

{{- define "matterops.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "matterops.policyConfigMap" -}}
{{- default (printf "%s-policy" (include "matterops.fullname" .)) .Values.existingPolicyConfigMap -}}
{{- end -}}

{{/* The bot's ServiceAccount as an RBAC subject. */}}
{{- define "matterops.subject" -}}
- kind: ServiceAccount
  name: {{ include "matterops.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end -}}
