"""A null in an organisation patch: the schema says nullable, the column holds no null; null
clears an optional text field and is refused on a required one, never a 500."""

import pytest

from shireito.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["corporate_number", "name_en", "local_government_code"])
def test_null_clears_an_optional_text_field(api, government, platform_admin, field):
    # given an organisation; when a field it may leave empty is patched to null
    response = api(platform_admin, "patch", "/api/v1/organizations/mhlw", {field: None})

    # then it is cleared
    assert response.status_code == 200, response.content
    assert getattr(Organization.objects.get(code="mhlw"), field) == ""


@pytest.mark.parametrize("field", ["name", "kind"])
def test_null_on_a_required_field_is_a_field_error(api, government, platform_admin, field):
    # given an organisation; when a field every organisation has is patched to null
    before = Organization.objects.get(code="mhlw")
    response = api(platform_admin, "patch", "/api/v1/organizations/mhlw", {field: None})

    # then the field is named and nothing changes
    assert response.status_code in {400, 422}, response.content
    assert field in response.content.decode()
    assert getattr(Organization.objects.get(code="mhlw"), field) == getattr(before, field)
