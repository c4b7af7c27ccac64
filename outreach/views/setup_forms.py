"""Forms of the set-up screens: every input is parsed here, with a clear message when it is wrong."""

import zoneinfo

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest, QueryDict

from crm.models import Role, Team
from outreach.engine.messages import FIELDS, TemplateError, render_template
from outreach.models import Campaign, LinkedInAccount
from outreach.views.setup_preview import sample_lead

THRESHOLD_FIELDS = ("entropy_threshold", "max_auto_std", "min_accept_prob", "n_mc_samples")
PACING_FIELDS = ("min_action_interval", "check_pending_after_hours", "min_qualifiable_leads")
TIME_ZONES = sorted(zoneinfo.available_timezones())


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one, so it shows its errors); None for a GET."""
    return request.POST if request.method == "POST" else None


class TeamNameForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name",)
        labels = {"name": "Team name"}
        help_texts = {"name": "Shown to everyone in your team."}
        error_messages = {"name": {"required": "Give your team a name."}}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give your team a name.")
        return name


class CampaignBasicsForm(forms.ModelForm):
    """The onboarding's first campaign: what you sell and whom you want to reach."""

    class Meta:
        model = Campaign
        fields = ("name", "product_docs", "objective", "booking_link")
        labels = {"name": "Campaign name", "product_docs": "Product description", "booking_link": "Booking link"}
        help_texts = {"booking_link": "Where interested leads book a call, e.g. a Calendly link (optional)."}
        widgets = {"product_docs": forms.Textarea(attrs={"rows": 4}), "objective": forms.Textarea(attrs={"rows": 3})}

    def clean_product_docs(self) -> str:
        docs = self.cleaned_data["product_docs"].strip()
        if len(docs) < 20:
            raise forms.ValidationError("Describe your product in a sentence or two (at least 20 characters).")
        return docs

    def clean_objective(self) -> str:
        objective = self.cleaned_data["objective"].strip()
        if not objective:
            raise forms.ValidationError("Say who you want to reach, e.g. “operations managers at logistics firms”.")
        return objective


class CampaignForm(CampaignBasicsForm):
    """Every campaign field the editor shows."""

    class Meta(CampaignBasicsForm.Meta):
        fields = (
            *CampaignBasicsForm.Meta.fields,
            "followup_template",
            "accounts",
            *PACING_FIELDS,
            *THRESHOLD_FIELDS,
            "require_human_review",
            "require_message_approval",
        )
        labels = {
            **CampaignBasicsForm.Meta.labels,
            "followup_template": "Follow-up template",
            "accounts": "Accounts that work this campaign",
            "min_action_interval": "Seconds between actions",
            "check_pending_after_hours": "Check pending invitations after (hours)",
            "min_qualifiable_leads": "Leads to keep ready for qualification",
            "entropy_threshold": "Uncertainty threshold (entropy)",
            "max_auto_std": "Largest spread for automatic decisions (std)",
            "min_accept_prob": "Smallest probability to qualify automatically",
            "n_mc_samples": "Monte-Carlo samples",
        }
        help_texts = {
            **CampaignBasicsForm.Meta.help_texts,
            "followup_template": "Jinja2, e.g. {{ first_name }}. Fields: " + ", ".join(FIELDS) + ".",
        }
        widgets = {
            "accounts": forms.CheckboxSelectMultiple,
            **CampaignBasicsForm.Meta.widgets,
            "followup_template": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["accounts"].queryset = LinkedInAccount.objects.filter(team=team)
        for name in ("entropy_threshold", "max_auto_std", "min_accept_prob"):
            self.fields[name].widget.attrs.update(step="0.01", min="0")
        self.fields["followup_template"].widget.attrs.update(spellcheck="false")

    def clean_followup_template(self) -> str:
        source = self.cleaned_data["followup_template"]
        campaign = Campaign(team=self.team, name="Preview", product_docs="Our product.", booking_link="")
        try:
            render_template(source, sample_lead(self.team), campaign)
        except TemplateError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return source

    def clean(self) -> dict:
        data = super().clean()
        for name in ("entropy_threshold", "max_auto_std", "min_accept_prob"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, "Use a number between 0 and 1.")
        if data.get("n_mc_samples") == 0:
            self.add_error("n_mc_samples", "Use at least 1 sample.")
        if data.get("min_action_interval") is not None and data["min_action_interval"] < 10:
            self.add_error("min_action_interval", "Wait at least 10 seconds between actions; faster looks like a bot.")
        return data


def threshold_defaults() -> dict:
    """The model's defaults for the qualifier thresholds (what "reset to defaults" restores)."""
    return {name: Campaign._meta.get_field(name).default for name in THRESHOLD_FIELDS}


class AccountForm(forms.ModelForm):
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        help_text="Stored encrypted. Leave empty to keep the saved password.",
    )
    time_zone = forms.ChoiceField(choices=[("", "Server time (UTC)"), *[(tz, tz) for tz in TIME_ZONES]], required=False)

    class Meta:
        model = LinkedInAccount
        fields = (
            "username",
            "password",
            "is_sandbox",
            "subscribe_newsletter",
            "connect_daily_limit",
            "connect_weekly_limit",
            "followup_daily_limit",
            "time_zone",
            "active_hours_start",
            "active_hours_end",
        )
        labels = {
            "username": "LinkedIn e-mail",
            "is_sandbox": "Use the sandbox (simulator) instead of linkedin.com",
            "subscribe_newsletter": "Keep LinkedIn's newsletter e-mails on",
            "connect_daily_limit": "Invitations per day",
            "connect_weekly_limit": "Invitations per week",
            "followup_daily_limit": "Follow-up messages per day",
            "time_zone": "Time zone",
            "active_hours_start": "Working hours start (0-23)",
            "active_hours_end": "Working hours end (1-24)",
        }
        help_texts = {
            "is_sandbox": "Try the product safely: nothing is sent to LinkedIn. The sandbox accepts the password "
            "<code>sandbox</code>.",
            "connect_weekly_limit": "LinkedIn restricts accounts that send more than about 100 a week.",
        }
        widgets = {"username": forms.EmailInput(attrs={"autocomplete": "username"})}

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        if not self.instance.pk:
            self.fields["password"].required = True
            self.fields["password"].help_text = "Stored encrypted; used only by your browser worker."

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip().lower()
        taken = LinkedInAccount.objects.filter(team=self.team, username__iexact=username).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Your team already has this account.")
        return username

    def clean(self) -> dict:
        data = super().clean()
        daily, weekly = data.get("connect_daily_limit"), data.get("connect_weekly_limit")
        if daily is not None and weekly is not None and weekly < daily:
            self.add_error("connect_weekly_limit", "The weekly limit must be at least the daily limit.")
        start, end = data.get("active_hours_start"), data.get("active_hours_end")
        if start is not None and start > 23:
            self.add_error("active_hours_start", "Use an hour from 0 to 23.")
        if end is not None and end > 24:
            self.add_error("active_hours_end", "Use an hour from 1 to 24.")
        if start is not None and end is not None and end <= start:
            self.add_error("active_hours_end", "Working hours must end after they start.")
        return data

    def save(self, commit: bool = True) -> LinkedInAccount:
        account = super().save(commit=False)
        if not self.cleaned_data.get("password") and self.instance.pk:
            account.password = LinkedInAccount.objects.get(pk=self.instance.pk).password
        account.team = self.team
        if commit:
            account.save()
        return account


class LLMForm(forms.ModelForm):
    llm_api_key = forms.CharField(
        label="API key",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted. Leave empty to keep the saved key.",
    )

    class Meta:
        model = Team
        fields = ("llm_api_key", "llm_model", "llm_api_base")
        labels = {"llm_model": "Model", "llm_api_base": "Base URL"}
        help_texts = {
            "llm_model": "e.g. gpt-4o-mini, or any model your OpenAI-compatible server offers.",
            "llm_api_base": "Only for OpenAI-compatible servers other than OpenAI (e.g. http://localhost:11434/v1).",
        }

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("llm_api_key"):
            data["llm_api_key"] = Team.objects.get(pk=self.instance.pk).llm_api_key if self.instance.pk else ""
        if not data.get("llm_api_key"):
            self.add_error("llm_api_key", "Enter an API key, or choose to review leads yourself.")
        if not (data.get("llm_model") or "").strip():
            self.add_error("llm_model", "Enter a model name.")
        return data


class LegalForm(forms.Form):
    accept = forms.BooleanField(
        label="I have read this notice and accept the risk of automating my LinkedIn account.",
        error_messages={"required": "Tick the box to accept the notice before you start."},
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER, label="Role")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class KitImportForm(forms.Form):
    file = forms.FileField(required=False, label="Kit file")
    url = forms.URLField(required=False, label="…or a kit URL", assume_scheme="https")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("url") and not data["url"].lower().startswith(("http://", "https://")):
            self.add_error("url", "Use an http:// or https:// address.")
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError("Choose a kit file or enter a URL.")
        if data.get("file") and data["file"].size > 50 * 1024 * 1024:
            self.add_error("file", "The kit is larger than 50 MB.")
        return data
