"""Open-data pages: the public list and detail of published packages and their files (no log-in), and the
analysts' publish form (log-in and the publish permission), which queues the publication as a job and follows
it on the job's page (htmx polling) until the package is published or refused."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kafaat.core import jobs
from kafaat.observatory import publication
from kafaat.observatory.publication import preview, repeat
from kafaat.observatory.publication.models import Publication


@login_not_required
@require_GET
def index(request):
    """Every published package, newest version first within each territory and year."""
    packages = publication.published()
    return render(request, "observatory/open_data/index.html", {"packages": packages})


def _package(code: str, year: int, version: int) -> Publication:
    found = publication.get(code, year, version)
    if found is None:
        raise Http404(_("No such package."))
    return found


@login_not_required
@require_GET
def detail(request, code: str, year: int, version: int):
    package = _package(code, year, version)
    language = (getattr(request, "LANGUAGE_CODE", "fr") or "fr")[:2]
    note = package.methodology.get(language) or package.methodology.get("fr", {})
    newer = publication.latest(code, year)
    context = {
        "package": package,
        "note": note,
        "files": package.files.all(),
        "latest": newer if newer and newer.version != package.version else None,
        "preview": preview.preview(package, language),
    }
    return render(request, "observatory/open_data/detail.html", context)


@login_not_required
@require_GET
def latest(request, code: str, year: int):
    newest = publication.latest(code, year)
    if newest is None:
        raise Http404(_("No such package."))
    return redirect("open_data:detail", code=code, year=year, version=newest.version)


@login_not_required
@require_GET
def download(request, code: str, year: int, version: int, name: str):
    package = _package(code, year, version)
    try:
        path = publication.file_path(package, name)
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    item = package.files.get(name=name)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=item.media_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # a published file never changes
    response["ETag"] = f'"{item.sha256}"'
    return response


def publish(request):
    scopes = publication.publishable_scopes(request.user)
    if not scopes:
        if not publication.may_publish_somewhere(request.user):
            raise PermissionDenied
        # A publisher scoped to provinces: packages cover a region (every province) or the country.
        context = {"scopes": [], "years": [], "errors": [], "chosen": {}, "out_of_scope": True}
        return render(request, "observatory/open_data/publish.html", context, status=403)
    years = publication.years_available()
    errors: list[str] = []
    chosen = {
        "region": request.POST.get("region", ""),
        "year": request.POST.get("year", "") or str(publication.default_year() or ""),
    }
    identical = None  # the last version, when publishing now would repeat its figures: asked first
    if request.method == "POST":
        insist = request.POST.get("even_if_identical") == "1"
        try:
            if not insist and chosen["region"] in {code for code, _name in scopes}:
                last = repeat.repeated_snapshot(chosen["region"], chosen["year"])
                if last is not None:
                    raise repeat.IdenticalPackage(last, same_snapshot=True)
            # Without the same snapshot, the figures are compared once built: the job then ends refused.
            job = publication.start_publishing(
                request.user, chosen["region"], chosen["year"], refuse_identical=not insist
            )
        except repeat.IdenticalPackage as same:
            identical = {"last": same.last, "message": same.messages[0]}
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect("open_data:publish_job", job_id=job.pk)
    recent = publication.publishing_jobs(request.user).filter(user=request.user)[:5]
    context = {
        "scopes": scopes, "years": sorted(years, reverse=True), "errors": errors, "chosen": chosen,
        "recent": recent, "identical": identical,
    }  # fmt: skip
    status = 400 if errors else 409 if identical else 200
    return render(request, "observatory/open_data/publish.html", context, status=status)


def publish_job(request, job_id):
    """A publication's job: its progress while it runs (the partial polls itself), then the package or the
    reasons it was refused."""
    job = publication.publishing_job(request.user, job_id)
    stage, done, total = jobs.live_progress(job)
    context = {
        "job": job, "stage": stage, "done": done, "total": total or publication.STEPS,
        "package": publication.package_of(job), "scope": job.params.get("scope", ""),
        "year": job.params.get("year", ""),
    }  # fmt: skip
    template = (
        "observatory/open_data/_publish_job.html"
        if request.htmx
        else "observatory/open_data/publish_job.html"
    )
    return render(request, template, context)
