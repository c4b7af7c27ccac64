"""`python manage.py analytics_build [--test]`: build the analytics marts (and run their tests)."""

from django.core.management.base import BaseCommand, CommandError

from analytics.build import BuildError, build


class Command(BaseCommand):
    help = "Run the dbt project over the app database and publish DATA_DIR/analytics.duckdb."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--test", action="store_true", help="Also run the dbt schema tests (dbt build).")
        parser.add_argument("--timeout", type=float, default=None, help="Seconds before dbt is stopped.")

    def handle(self, *args, test: bool = False, timeout: float | None = None, **options) -> None:
        try:
            result = build(test=test, timeout=timeout)
        except BuildError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 1:
            self.stdout.write(result.output)
        what = "built and tested" if test else "built"
        self.stdout.write(self.style.SUCCESS(f"Analytics {what} in {result.seconds:.1f} s: {result.path}"))
