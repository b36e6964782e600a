"""`python manage.py import_screen_hits FILE --user USERNAME`: import a screening-system export (CSV or XLSX).

Valid rows are stored as the user's hits (their agency and region), in chunks of 5,000; refused
rows are listed with their row numbers (the header is row 1). Importing a file again stores only
the rows not yet received. Exits with an error for an unreadable file or a user who may not import.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from casework.errors import DomainError
from intake.screening import may_submit_screen_hits
from intake.screening_import import MAX_FILE_BYTES, screen_hits_import
from organisation.models import User


class Command(BaseCommand):
    help = "Import screening hits (智能监控疑点) from a CSV or XLSX export of the screening system."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GB18030) or .xlsx file, header in the first row")
        parser.add_argument("--user", required=True, help="username of the screening account or bureau staff")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).select_related("agency__region").first()
        if user is None:
            raise CommandError(_("There is no user %(name)s.") % {"name": options["user"]})
        if not may_submit_screen_hits(user, via_file=True):
            raise CommandError(_("%(name)s may not import screening hits.") % {"name": user.username})
        path = options["file"]
        data = self._read(path)
        try:
            report = screen_hits_import(data=data, file_name=path.rsplit("/", 1)[-1], by=user)
        except DomainError as error:
            raise CommandError(_("%(path)s: %(message)s") % {"path": path, "message": error.message}) from error
        for error in report.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            _(
                "%(received)d rows read: %(created)d hits stored, %(duplicates)d already received, "
                "%(rejected)d refused; %(leads)d new leads, %(updated)d pending leads with new hits."
            )
            % {
                "received": report.received,
                "created": report.created,
                "duplicates": report.duplicates,
                "rejected": report.rejected,
                "leads": report.leads_created,
                "updated": report.leads_updated,
            }
        )

    def _read(self, path: str) -> bytes:
        try:
            with open(path, "rb") as file:
                data = file.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError as exc:
            raise CommandError(_("There is no file %(path)s.") % {"path": path}) from exc
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
        return data
