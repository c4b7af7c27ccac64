"""Run the LinkedIn simulator (the sandbox): `python manage.py linkedin_sim --port 8765 --seed 42`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outreach.simulator.server import SimServer


def _probability(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(value)
    return number


def _seconds(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Serve the LinkedIn simulator: login, search, profiles, invitations, messaging, Voyager API, "
        "fault switches and a control API under /__sim__/. Any e-mail logs in with password 'sandbox'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--seed", type=int, default=42, help="the same seed gives the same people")
        parser.add_argument("--people", type=int, default=300)
        # Sandbox defaults make a believable funnel: most invitations accepted after a short wait,
        # some connections answer. Tests use SimServer directly (instant acceptance, no replies).
        parser.add_argument("--accept-after", type=_seconds, default=30.0, help="seconds until an invite is accepted")
        parser.add_argument("--accept-probability", type=_probability, default=0.7)
        parser.add_argument("--reply-probability", type=_probability, default=0.3)
        parser.add_argument("--reply-after", type=_seconds, default=60.0, help="seconds until a reply arrives")

    def handle(self, *args: object, **options: object) -> None:
        if not 1 <= int(options["people"]) <= 100_000:
            raise CommandError("--people must be between 1 and 100000")
        try:
            sim = SimServer(
                port=int(options["port"]),
                host=str(options["host"]),
                seed=int(options["seed"]),
                people=int(options["people"]),
                accept_after_seconds=float(options["accept_after"]),
                accept_probability=float(options["accept_probability"]),
                reply_probability=float(options["reply_probability"]),
                reply_after_seconds=float(options["reply_after"]),
            )
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        self.stdout.write(f"LinkedIn simulator on {sim.url} (seed {options['seed']}, {options['people']} people)")
        self.stdout.flush()
        try:
            sim.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sim.stop()
