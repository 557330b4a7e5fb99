variable "project" {
  description = "Google Cloud project that runs the Dataflow jobs and the scheduler."
  type        = string
}

variable "region" {
  description = "Dataflow region (regional endpoint) the jobs run in, e.g. europe-west1."
  type        = string
}

variable "scheduler_region" {
  description = "Cloud Scheduler location; defaults to var.region."
  type        = string
  default     = null
}

variable "template_gcs_path" {
  description = "The Flex Template spec written by `make template`, e.g. gs://BUCKET/templates/linkbeam.json."
  type        = string
}

variable "config" {
  description = "The linkbeam job config on Cloud Storage (template parameter `config`)."
  type        = string
}

variable "model" {
  description = "Optional match model on Cloud Storage (template parameter `model`); null uses the config's."
  type        = string
  default     = null
}

variable "temp_location" {
  description = "gs:// folder for Dataflow temporary files."
  type        = string
}

variable "staging_location" {
  description = "gs:// folder where the launcher stages the worker binary and the job graph."
  type        = string
}

variable "scheduler_service_account" {
  description = "Email of the service account Cloud Scheduler uses to call flexTemplates:launch (needs roles/dataflow.developer and roles/iam.serviceAccountUser on the worker account)."
  type        = string
}

variable "worker_service_account" {
  description = "Email of the service account the launcher VM and the workers run as (roles/dataflow.worker, bucket access)."
  type        = string
}

variable "time_zone" {
  description = "Time zone of the cron expressions."
  type        = string
  default     = "Etc/UTC"
}

variable "schedules" {
  description = <<-EOT
    One Cloud Scheduler job per entry, keyed by a short name (lower case,
    digits, dashes) that also names the Dataflow job, so a launch while the
    previous run of the same schedule is still running is refused.
      cron        - when to launch (unix-cron)
      output      - the output folder of this schedule. A run publishes a
                    complete snapshot of the sources it read: schedules that
                    read different sources need different outputs.
      sources     - sources to read ([] = all of the config's sources)
      incremental - pass previous = output: master ids persist and pairs of
                    unchanged records are not scored again. The output
                    must already hold a committed run.
      max_workers - autoscaling ceiling
    See runners/README.md, "Scheduled launches".
  EOT
  type = map(object({
    cron        = string
    output      = string
    sources     = optional(list(string), [])
    incremental = optional(bool, false)
    max_workers = optional(number, 10)
  }))
  validation {
    condition     = alltrue([for k, _ in var.schedules : can(regex("^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$", k))])
    error_message = "Schedule names must be lower case letters, digits and dashes, starting with a letter."
  }
  validation {
    condition     = length(distinct([for s in values(var.schedules) : s.output])) == length(var.schedules)
    error_message = "Each schedule needs its own output folder: a run replaces the output with what it read."
  }
}

variable "manage_iam" {
  description = "Grant the roles the two service accounts need (project-level dataflow roles, serviceAccountUser on the worker account)."
  type        = bool
  default     = false
}
