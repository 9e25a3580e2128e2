from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    """What sort of body an organisation is; the governance model gives each kind its roles."""

    CABINET = "cabinet", _("Cabinet")
    DIGITAL_AGENCY = "digital_agency", _("Digital Agency")
    NATIONAL_CYBER_CENTRE = "national_cyber_centre", _("national cybersecurity centre")
    CYBERSECURITY_HQ = "cybersecurity_hq", _("Cybersecurity Strategic Headquarters")
    IPA = "ipa", _("IPA")
    MINISTRY = "ministry", _("ministry")
    INDEPENDENT_AGENCY = "independent_agency", _("independent administrative agency")
    LOCAL_GOVERNMENT = "local_government", _("local government")
    CI_OPERATOR = "ci_operator", _("critical-infrastructure operator")
    J_LIS = "j_lis", _("J-LIS")
    OVERSEAS_COUNTERPART = "overseas_counterpart", _("overseas counterpart")
    # Bodies of the quasi-public sector (health, education, disaster prevention …) whose
    # systems the Digital Agency oversees in the digital-agency model.
    QUASI_PUBLIC = "quasi_public", _("quasi-public body")
    OTHER = "other", _("other body")


class LocalGovernmentLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("prefecture")
    MUNICIPALITY = "municipality", _("municipality")


class GovernanceRole(models.TextChoices):
    """Roles held by one organisation at a time; mandates name roles, not bodies, so a
    reorganisation (NISC → National Cybersecurity Office) moves the role, not the rules."""

    CABINET = "cabinet", _("Cabinet")
    DIGITAL_AGENCY = "digital_agency", _("Digital Agency")
    NATIONAL_CYBER_CENTRE = "national_cyber_centre", _("national cybersecurity centre")
    CYBERSECURITY_HQ = "cybersecurity_hq", _("Cybersecurity Strategic Headquarters")
    IPA = "ipa", _("IPA (entrusted auditor and report relay)")
    LOCAL_GOVERNMENT_MINISTRY = (
        "local_government_ministry",
        _("ministry for local governments (MIC)"),
    )
    J_LIS = "j_lis", _("J-LIS")


class SystemCategory(models.TextChoices):
    """Categories of information systems, as the Digital Agency classes national systems."""

    DIGITAL_AGENCY_SYSTEM = "digital_agency_system", _("Digital Agency system")
    JOINT_SYSTEM = "joint_system", _("joint system")
    MINISTRY_SYSTEM = "ministry_system", _("ministry system")
    INDEPENDENT_AGENCY_SYSTEM = "independent_agency_system", _("independent-agency system")
    LOCAL_GOVERNMENT_SYSTEM = "local_government_system", _("local-government system")
    CI_SYSTEM = "ci_system", _("critical-infrastructure system")
    QUASI_PUBLIC_SYSTEM = "quasi_public_system", _("quasi-public system")


class OpenStatistic(models.TextChoices):
    """Aggregate figures of the control tower a governance model may publish as open
    statistics (principle ①: open by default): no body's security posture is among them."""

    MIGRATION_BY_PREFECTURE = (
        "migration-by-prefecture",
        _("local governments' migration to standard-conformant systems, by prefecture"),
    )
    BUDGET_BY_MINISTRY = "budget-by-ministry", _("budget of information systems, by ministry")
    SYSTEMS_BY_CATEGORY = "systems-by-category", _("information systems, by category")
    SYSTEMS_BY_HOSTING = "systems-by-hosting", _("information systems, by hosting")


class MandateKind(models.TextChoices):
    SECURITY_AUDIT = "security_audit", _("security audit")
    ENTRUSTED_SECURITY_AUDIT = "entrusted_security_audit", _("entrusted security audit")
    SERVICE_ASSURANCE = "service_assurance", _("service-assurance verification")
    NON_SECURITY_AUDIT = "non_security_audit", _("non-security audit")


class OpenQuestionSetting(models.TextChoices):
    """The seed's 論点: how far the Digital Agency audits beyond security."""

    NONE = "none", _("no audit beyond security")
    OWN_SYSTEMS = "own_systems", _("its own systems")
    OWN_AND_MINISTRIES = "own_and_ministries", _("its own and the ministries' systems")


class ScopeClass(models.TextChoices):
    """How a kind of data is scoped: each class has its own rule in the mandate engine."""

    DIRECTORY = "directory", _("directory")
    OWN = "own", _("own organization only")
    PORTFOLIO = "portfolio", _("information systems")
    OVERSIGHT = "oversight", _("oversight of national systems")
    # Audits and what they hold: only the parties named on the audit (auditee, auditor, the
    # body that entrusted it) see it; a mandate lets one start an audit, not read others'.
    AUDIT = "audit", _("audits (their parties only)")
    # Incident reports: the reporter and the organisations on the route the report has
    # reached; nobody else, whatever their mandates.
    INCIDENT = "incident", _("incident reports (reporter and route only)")
    # Coordination of local governments' move to standard-conformant systems: the coordinator
    # reads each system's standard business, migration status and dates, and the owner's
    # profile; never its security details, contacts or incidents.
    COORDINATION = "coordination", _("coordination of local-government migration")
    # The priority plan before publication: its author (the Digital Agency) and the measure's
    # responsible organisations; once published, everyone reads it through the publication
    # selectors, never through a widened scope.
    PLAN = "plan", _("priority plan (author and responsible organizations)")
    # The co-creation platform: a space and all it holds, read by the staff of domestic
    # government bodies and of the organisations the space invites; nobody outside it.
    COCREATION = "cocreation", _("co-creation spaces (government staff and invited bodies)")


# Which kinds of organisation may hold each role: a role handed to the wrong kind of body (an
# overseas counterpart as the national centre) would hand it every mandate of the role.
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    GovernanceRole.CABINET: (OrganizationKind.CABINET,),
    GovernanceRole.DIGITAL_AGENCY: (OrganizationKind.DIGITAL_AGENCY,),
    GovernanceRole.NATIONAL_CYBER_CENTRE: (OrganizationKind.NATIONAL_CYBER_CENTRE,),
    GovernanceRole.CYBERSECURITY_HQ: (OrganizationKind.CYBERSECURITY_HQ,),
    GovernanceRole.IPA: (OrganizationKind.IPA, OrganizationKind.INDEPENDENT_AGENCY),
    GovernanceRole.LOCAL_GOVERNMENT_MINISTRY: (OrganizationKind.MINISTRY,),
    GovernanceRole.J_LIS: (OrganizationKind.J_LIS,),
}

# Which kinds of organisation own systems of each category.
CATEGORY_OWNER_KINDS: dict[str, tuple[str, ...]] = {
    SystemCategory.DIGITAL_AGENCY_SYSTEM: (OrganizationKind.DIGITAL_AGENCY,),
    SystemCategory.JOINT_SYSTEM: (OrganizationKind.DIGITAL_AGENCY, OrganizationKind.MINISTRY),
    SystemCategory.MINISTRY_SYSTEM: (
        OrganizationKind.MINISTRY,
        OrganizationKind.CABINET,
        OrganizationKind.NATIONAL_CYBER_CENTRE,
        OrganizationKind.CYBERSECURITY_HQ,
    ),
    SystemCategory.INDEPENDENT_AGENCY_SYSTEM: (
        OrganizationKind.INDEPENDENT_AGENCY,
        OrganizationKind.IPA,
    ),
    SystemCategory.LOCAL_GOVERNMENT_SYSTEM: (OrganizationKind.LOCAL_GOVERNMENT,),
    SystemCategory.CI_SYSTEM: (OrganizationKind.CI_OPERATOR,),
    # J-LIS and other bodies kept: data from before the quasi-public kind existed owns some.
    SystemCategory.QUASI_PUBLIC_SYSTEM: (
        OrganizationKind.QUASI_PUBLIC,
        OrganizationKind.J_LIS,
        OrganizationKind.OTHER,
    ),
}
