{{/* Names */}}
{{- define "assay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "assay.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "assay.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "assay.secretName" -}}
{{- default (include "assay.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "assay.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "assay.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels. Call with (dict "root" $ "component" "worker"). */}}
{{- define "assay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "assay.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "assay.labels" -}}
helm.sh/chart: {{ include "assay.chart" .root }}
{{ include "assay.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: assay
{{- end -}}

{{/* Images */}}
{{- define "assay.tag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{/* repository@digest when a digest is given (the tag is then irrelevant), else repository:tag */}}
{{- define "assay.imageRef" -}}
{{- if .digest -}}
{{- printf "%s@%s" .repository .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}
{{- end -}}

{{- define "assay.image" -}}
{{- include "assay.imageRef" (dict "repository" .Values.image.repository "tag" (include "assay.tag" .) "digest" .Values.image.digest) -}}
{{- end -}}

{{/* The GPU image is another image: image.digest never applies to it, only workerGpu.image.digest. */}}
{{- define "assay.gpuImage" -}}
{{- $repo := default .Values.image.repository .Values.workerGpu.image.repository -}}
{{- $tag := default (printf "%s-gpu" (include "assay.tag" .)) .Values.workerGpu.image.tag -}}
{{- include "assay.imageRef" (dict "repository" $repo "tag" $tag "digest" .Values.workerGpu.image.digest) -}}
{{- end -}}

{{/* Settings that would start pods doomed to crash-loop fail the render instead. */}}
{{- define "assay.validate" -}}
{{- $v := .Values -}}
{{- if not $v.s3.endpoint -}}
{{- fail "s3.endpoint is required: the services refuse to start without S3_ENDPOINT (AWS: https://s3.<region>.amazonaws.com)" -}}
{{- end -}}
{{- if not (or $v.redis.url $v.secrets.redisUrl $v.secrets.existingSecret) -}}
{{- fail "redis.url (or secrets.redisUrl, or REDIS_URL in secrets.existingSecret) is required; Redis must run with maxmemory-policy noeviction" -}}
{{- end -}}
{{- if not $v.secrets.existingSecret -}}
{{- if not $v.secrets.apiKeys -}}
{{- fail "secrets.apiKeys needs at least one key (ASSAY_API_KEYS), or set secrets.existingSecret" -}}
{{- end -}}
{{- range $v.secrets.apiKeys -}}
{{- if lt (len (toString .)) 16 -}}
{{- fail "secrets.apiKeys: every key needs at least 16 characters" -}}
{{- end -}}
{{- if contains "," (toString .) -}}
{{- fail "secrets.apiKeys: a key cannot contain a comma" -}}
{{- end -}}
{{- end -}}
{{- if and $v.secrets.hookSecret (lt (len $v.secrets.hookSecret) 16) -}}
{{- fail "secrets.hookSecret needs at least 16 characters" -}}
{{- end -}}
{{- if ne (empty $v.secrets.s3AccessKeyId) (empty $v.secrets.s3SecretAccessKey) -}}
{{- fail "secrets.s3AccessKeyId and secrets.s3SecretAccessKey: set both or neither" -}}
{{- end -}}
{{- end -}}
{{- range $k := list "ASSAY_API_KEYS" "ASSAY_HOOK_SECRET" "S3_ACCESS_KEY_ID" "S3_SECRET_ACCESS_KEY" -}}
{{- if hasKey $v.config $k -}}
{{- fail (printf "config.%s: secrets belong in `secrets` (or secrets.existingSecret), not in the ConfigMap" $k) -}}
{{- end -}}
{{- end -}}
{{- /* unset or empty: the service's default, 25000 */ -}}
{{- $graceMs := 25000 -}}
{{- $graceRaw := index $v.config "WORKER_SHUTDOWN_GRACE_MS" -}}
{{- if and $graceRaw (ne (toString $graceRaw) "") -}}
{{- $graceMs = int (toString $graceRaw) -}}
{{- end -}}
{{- range $name := list "worker" "workerGpu" "aggregator" -}}
{{- $tgps := int (index $v $name).terminationGracePeriodSeconds -}}
{{- if le (mul $tgps 1000) (add $graceMs 5000) -}}
{{- fail (printf "%s.terminationGracePeriodSeconds (%d s) must exceed WORKER_SHUTDOWN_GRACE_MS (%d ms) by at least 5 s, or Kubernetes kills jobs mid-flight" $name $tgps $graceMs) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
A pod template. Call with (dict "root" $ "component" "worker" "values" .Values.worker "image" "…"
"env" (list …) "gpus" 0 "runtimeClassName" "").
*/}}
{{- define "assay.podTemplate" -}}
{{- $root := .root -}}
{{- $c := .values -}}
metadata:
  labels:
    {{- include "assay.labels" (dict "root" $root "component" .component) | nindent 4 }}
    {{- with $c.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    {{- if $root.Values.metrics.podAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/port: "8080"
    prometheus.io/path: /metrics
    {{- end }}
    {{- with $c.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "assay.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .runtimeClassName }}
  runtimeClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ $c.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .component }}
      image: {{ .image | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: [{{ .service | quote }}]
      ports:
        - name: http
          containerPort: 8080
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "assay.fullname" $root }}
        # after the ConfigMap: a key in both (REDIS_URL) takes the Secret's value
        - secretRef:
            name: {{ include "assay.secretName" $root }}
      {{- $env := concat (.env | default list) ($c.extraEnv | default list) }}
      {{- with $env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      startupProbe:
        httpGet: { path: {{ $root.Values.probes.startup.path }}, port: http }
        periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
      livenessProbe:
        httpGet: { path: {{ $root.Values.probes.liveness.path }}, port: http }
        periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
      readinessProbe:
        httpGet: { path: {{ $root.Values.probes.readiness.path }}, port: http }
        periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
      {{- with .preStopSleepSeconds }}
      lifecycle:
        preStop:
          exec:
            command: ["sleep", {{ . | quote }}]
      {{- end }}
      {{- $resources := deepCopy ($c.resources | default dict) }}
      {{- if .gpus }}
      {{- $limits := merge (dict "nvidia.com/gpu" (int .gpus)) ($resources.limits | default dict) }}
      {{- $_ := set $resources "limits" $limits }}
      {{- end }}
      resources:
        {{- toYaml $resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- with $c.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir: {}
    {{- with $c.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $c.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* A worker pool's Deployment: (dict "root" $ "component" "worker" "values" .Values.worker "image" … "providers" "cpu" "gpus" 0) */}}
{{- define "assay.workerDeployment" -}}
{{- $root := .root -}}
{{- $c := .values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "assay.fullname" $root }}-{{ .component }}
  labels:
    {{- include "assay.labels" (dict "root" $root "component" .component) | nindent 4 }}
spec:
  {{- if not (or $root.Values.autoscaling.keda.enabled .hpa) }}
  replicas: {{ $c.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "assay.selectorLabels" (dict "root" $root "component" .component) | nindent 6 }}
  {{- with $c.strategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  template:
    {{- $env := list
      (dict "name" "WORKER_CONCURRENCY" "value" (toString $c.concurrency))
      (dict "name" "WORKER_MODALITIES" "value" (join "," $c.modalities))
      (dict "name" "ORT_EXECUTION_PROVIDERS" "value" .providers) }}
    {{- include "assay.podTemplate" (dict "root" $root "component" .component "service" "worker" "values" $c "image" .image "env" $env "gpus" .gpus "runtimeClassName" .runtimeClassName) | nindent 4 }}
{{- end -}}

{{/* A worker pool's KEDA ScaledObject: (dict "root" $ "component" "worker" "values" .Values.worker) */}}
{{- define "assay.scaledObject" -}}
{{- $root := .root -}}
{{- $k := $root.Values.autoscaling.keda -}}
{{- $c := .values.keda -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "assay.fullname" $root }}-{{ .component }}
  labels:
    {{- include "assay.labels" (dict "root" $root "component" .component) | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "assay.fullname" $root }}-{{ .component }}
  minReplicaCount: {{ $c.minReplicas }}
  maxReplicaCount: {{ $c.maxReplicas }}
  pollingInterval: {{ $k.pollingInterval }}
  cooldownPeriod: {{ $k.cooldownPeriod }}
  {{- if $c.fallbackReplicas }}
  fallback:
    failureThreshold: 3
    replicas: {{ $c.fallbackReplicas }}
  {{- end }}
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          stabilizationWindowSeconds: {{ $k.scaleDownStabilizationSeconds }}
  triggers:
    - type: prometheus
      metadata:
        serverAddress: {{ $k.serverAddress | quote }}
        {{- /* the query sees the chart's context plus .queues: this pool's modalities as a regex alternation */}}
        query: {{ tpl $k.query (merge (dict "queues" (join "|" .values.modalities)) $root) | quote }}
        threshold: {{ $c.threshold | toString | quote }}
        activationThreshold: {{ $c.activationThreshold | toString | quote }}
        ignoreNullValues: {{ $k.ignoreNullValues | toString | quote }}
      {{- with $k.authenticationRef }}
      authenticationRef:
        name: {{ . }}
      {{- end }}
{{- end -}}

{{/*
A headless Service that the ServiceMonitor scrapes a component through, not-ready pods included: scraping
must not depend on readiness (a GPU pod that fell back to the CPU is not ready; ingest is not ready while
Redis is down), or the alerts about exactly those states would see nothing.
*/}}
{{- define "assay.metricsService" -}}
{{- $root := .root -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "assay.fullname" $root }}-{{ .component }}-metrics
  labels:
    {{- include "assay.labels" (dict "root" $root "component" .component) | nindent 4 }}
    assay-metrics: "true"
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector:
    {{- include "assay.selectorLabels" (dict "root" $root "component" .component) | nindent 4 }}
  ports:
    - name: http
      port: 8080
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "assay.pdb" -}}
{{- $root := .root -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "assay.fullname" $root }}-{{ .component }}
  labels:
    {{- include "assay.labels" (dict "root" $root "component" .component) | nindent 4 }}
spec:
  maxUnavailable: {{ .values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "assay.selectorLabels" (dict "root" $root "component" .component) | nindent 6 }}
{{- end -}}
