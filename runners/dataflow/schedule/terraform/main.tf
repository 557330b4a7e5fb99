# Cloud Scheduler jobs that launch the linkbeam Flex Template through the
# Dataflow REST API (projects.locations.flexTemplates.launch).

locals {
  scheduler_region = coalesce(var.scheduler_region, var.region)
  launch_uri       = "https://dataflow.googleapis.com/v1b3/projects/${var.project}/locations/${var.region}/flexTemplates:launch"
}

resource "google_cloud_scheduler_job" "linkbeam" {
  for_each = var.schedules

  name             = "linkbeam-${each.key}"
  description      = "Launch the linkbeam Flex Template (${each.key})"
  project          = var.project
  region           = local.scheduler_region
  schedule         = each.value.cron
  time_zone        = var.time_zone
  attempt_deadline = "180s"

  # A failed launch call is retried a few times; a launch that went
  # through is not repeated (the response is a success), and a retry while
  # the job runs is refused because the job name is taken.
  retry_config {
    retry_count          = 3
    min_backoff_duration = "60s"
    max_backoff_duration = "600s"
  }

  http_target {
    http_method = "POST"
    uri         = local.launch_uri
    headers     = { "Content-Type" = "application/json" }
    body = base64encode(jsonencode({
      launchParameter = {
        jobName              = "linkbeam-${each.key}"
        containerSpecGcsPath = var.template_gcs_path
        parameters = merge(
          { config = var.config, output = each.value.output },
          length(each.value.sources) > 0 ? { sources = join(",", each.value.sources) } : {},
          var.model != null ? { model = var.model } : {},
          each.value.incremental ? { previous = each.value.output } : {},
        )
        environment = {
          tempLocation        = var.temp_location
          stagingLocation     = var.staging_location
          serviceAccountEmail = var.worker_service_account
          maxWorkers          = each.value.max_workers
        }
      }
    }))

    oauth_token {
      service_account_email = var.scheduler_service_account
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }
}

# --- optional IAM (var.manage_iam) ------------------------------------------

resource "google_project_iam_member" "scheduler_launches_dataflow" {
  count   = var.manage_iam ? 1 : 0
  project = var.project
  role    = "roles/dataflow.developer"
  member  = "serviceAccount:${var.scheduler_service_account}"
}

# Launching a job that runs as the worker account needs actAs on it.
resource "google_service_account_iam_member" "scheduler_acts_as_worker" {
  count              = var.manage_iam ? 1 : 0
  service_account_id = "projects/${var.project}/serviceAccounts/${var.worker_service_account}"
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${var.scheduler_service_account}"
}

resource "google_project_iam_member" "worker" {
  for_each = var.manage_iam ? toset([
    "roles/dataflow.worker",         # launcher VM and workers
    "roles/artifactregistry.reader", # pull the template image
  ]) : toset([])
  project = var.project
  role    = each.value
  member  = "serviceAccount:${var.worker_service_account}"
}

# Bucket access (roles/storage.objectAdmin on the staging, temp and output
# buckets, roles/storage.objectViewer on the config and input buckets) is
# granted per bucket; see runners/README.md.

output "scheduler_jobs" {
  description = "The Cloud Scheduler jobs, by schedule name."
  value       = { for k, j in google_cloud_scheduler_job.linkbeam : k => j.id }
}
