"""factory_boy factories for every model the tests build."""

import factory
from django.contrib.auth.models import User

from crm.models import Activity, Company, Deal, Lead, Membership, Message, Role, Stage, Team
from outreach.models import Campaign, LinkedInAccount, SearchKeyword
from qualifier.models import Label, LabelSource, ReviewItem

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.OWNER
    onboarding_done = True
    onboarding_step = 6


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Company {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    product_docs = "A CRM for small logistics companies."
    objective = "Reach operations managers at logistics firms."
    booking_link = "https://cal.example.com/demo"


class LinkedInAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkedInAccount

    team = factory.SubFactory(TeamFactory)
    username = factory.Sequence(lambda n: f"seller{n}@example.com")
    password = "linkedin-secret"
    is_sandbox = True
    status = "ok"


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    team = factory.SubFactory(TeamFactory)
    public_id = factory.Sequence(lambda n: f"person-{n}")
    linkedin_url = factory.LazyAttribute(lambda o: f"https://www.linkedin.com/in/{o.public_id}/")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    headline = "Operations Manager at Acme Logistics"
    location = "Berlin, Germany"
    country_code = "de"


class EnrichedLeadFactory(LeadFactory):
    enriched_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").UTC)
    profile = factory.LazyAttribute(
        lambda o: {
            "public_id": o.public_id,
            "first_name": o.first_name,
            "last_name": o.last_name,
            "headline": o.headline,
            "summary": "",
            "location": o.location,
            "country_code": o.country_code,
            "industry": "Logistics",
            "positions": [{"title": "Operations Manager", "company_name": "Acme Logistics"}],
            "educations": [],
            "connection_degree": 2,
        }
    )


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    lead = factory.SubFactory(EnrichedLeadFactory)
    team = factory.LazyAttribute(lambda o: o.lead.team)
    campaign = factory.SubFactory(CampaignFactory, team=factory.SelfAttribute("..team"))
    stage = Stage.NEW


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    lead = factory.SubFactory(EnrichedLeadFactory)
    team = factory.LazyAttribute(lambda o: o.lead.team)
    text = "Hi! Thanks for connecting."


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    team = factory.SubFactory(TeamFactory)
    kind = "connect"


class SearchKeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchKeyword

    campaign = factory.SubFactory(CampaignFactory)
    keyword = factory.Sequence(lambda n: f"logistics manager {n}")


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    campaign = factory.SubFactory(CampaignFactory)
    lead = factory.SubFactory(EnrichedLeadFactory, team=factory.SelfAttribute("..campaign.team"))
    qualified = True
    source = LabelSource.HUMAN


class ReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewItem

    campaign = factory.SubFactory(CampaignFactory)
    lead = factory.SubFactory(EnrichedLeadFactory, team=factory.SelfAttribute("..campaign.team"))
    why = "no LLM configured"
