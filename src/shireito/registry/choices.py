from django.db import models
from django.utils.translation import gettext_lazy as _


class LifecyclePhase(models.TextChoices):
    PLANNING = "planning", _("planning")
    PROCUREMENT = "procurement", _("procurement")
    DEVELOPMENT = "development", _("development")
    OPERATION = "operation", _("operation")
    RENEWAL = "renewal", _("renewal")
    RETIRED = "retired", _("retired")


class Hosting(models.TextChoices):
    ON_PREMISES = "on_premises", _("on premises")
    GOVERNMENT_CLOUD = "government_cloud", _("Government Cloud")
    OTHER_CLOUD = "other_cloud", _("other cloud")


class CloudProvider(models.TextChoices):
    """Providers of the Government Cloud (ガバメントクラウド)."""

    AWS = "aws", "Amazon Web Services"
    AZURE = "azure", "Microsoft Azure"
    GOOGLE = "google", "Google Cloud"
    OCI = "oci", "Oracle Cloud Infrastructure"
    SAKURA = "sakura", _("Sakura Internet")


class Confidentiality(models.IntegerChoices):
    """Information classes of the Common Standards (機密性・完全性・可用性)."""

    C1 = 1, _("confidentiality class 1")
    C2 = 2, _("confidentiality class 2")
    C3 = 3, _("confidentiality class 3")


class Integrity(models.IntegerChoices):
    I1 = 1, _("integrity class 1")
    I2 = 2, _("integrity class 2")


class Availability(models.IntegerChoices):
    A1 = 1, _("availability class 1")
    A2 = 2, _("availability class 2")


class StandardBusiness(models.TextChoices):
    """The 20 local-government businesses to move to standard-conformant systems."""

    RESIDENT_REGISTRY = "resident_registry", _("Basic Resident Register")
    ELECTORAL_ROLL = "electoral_roll", _("Electoral roll management")
    FIXED_ASSET_TAX = "fixed_asset_tax", _("Fixed asset tax")
    INDIVIDUAL_RESIDENT_TAX = "individual_resident_tax", _("Individual resident tax")
    CORPORATE_RESIDENT_TAX = "corporate_resident_tax", _("Corporate resident tax")
    LIGHT_VEHICLE_TAX = "light_vehicle_tax", _("Light vehicle tax")
    NATIONAL_HEALTH_INSURANCE = "national_health_insurance", _("National health insurance")
    NATIONAL_PENSION = "national_pension", _("National pension")
    DISABILITY_WELFARE = "disability_welfare", _("Disability welfare")
    LATE_STAGE_ELDERLY_MEDICAL = (
        "late_stage_elderly_medical",
        _("Medical care for the late-stage elderly"),
    )
    LONG_TERM_CARE_INSURANCE = "long_term_care_insurance", _("Long-term care insurance")
    CHILD_ALLOWANCE = "child_allowance", _("Child allowance")
    HEALTH_MANAGEMENT = "health_management", _("Health management")
    SCHOOL_ENROLMENT = "school_enrolment", _("School enrolment")
    CHILD_SUPPORT_ALLOWANCE = "child_support_allowance", _("Child support allowance")
    PUBLIC_ASSISTANCE = "public_assistance", _("Public assistance")
    CHILD_CARE_SUPPORT = "child_care_support", _("Child and child-care support")
    SEAL_REGISTRATION = "seal_registration", _("Seal registration")
    FAMILY_REGISTER = "family_register", _("Family register")
    FAMILY_REGISTER_ANNEX = "family_register_annex", _("Family register annex")


class MigrationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    MIGRATED = "migrated", _("migrated")
    SPECIAL_SUPPORT = "special_support", _("special migration support")


class BudgetStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    REVIEWED = "reviewed", _("reviewed")
    APPROVED = "approved", _("approved")
    REDUCED = "reduced", _("reduced")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    ESCALATED = "escalated", _("escalated")
