"""Export a campaign as a kit, or import a kit (file or URL) into a team as a partner campaign."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crm.models import Team
from outreach.engine.kits import KitError, export_kit, import_kit
from outreach.models import Campaign


class Command(BaseCommand):
    help = "kit export <campaign_id> <file>  |  kit import <team_id> <file-or-url>"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export")
        exp.add_argument("campaign_id", type=int)
        exp.add_argument("path")
        imp = sub.add_parser("import")
        imp.add_argument("team_id", type=int)
        imp.add_argument("source", help="a kit file or an http(s) URL")

    def handle(self, *args, action: str, **options) -> None:
        if action == "export":
            campaign = Campaign.objects.filter(pk=options["campaign_id"]).first()
            if campaign is None:
                raise CommandError(f"no campaign with id {options['campaign_id']}")
            data = export_kit(campaign)
            Path(options["path"]).write_bytes(data)
            self.stdout.write(f"exported “{campaign.name}” to {options['path']} ({len(data)} bytes)")
            return
        team = Team.objects.filter(pk=options["team_id"]).first()
        if team is None:
            raise CommandError(f"no team with id {options['team_id']}")
        try:
            campaign = import_kit(team, options["source"])
        except KitError as exc:
            raise CommandError(f"kit not imported: {exc}") from exc
        self.stdout.write(f"imported “{campaign.name}” as partner campaign {campaign.pk} (inactive)")
