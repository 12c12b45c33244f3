"""Background tasks of the documents (Django tasks; `manage.py db_worker` runs them from the database queue)."""

from django.tasks import task


@task
def render_job(job_id: int) -> None:
    """Render a RenderJob's document through the same pipeline as the direct downloads, and store it."""
    from reports.jobs import job_run

    job_run(job_id)
