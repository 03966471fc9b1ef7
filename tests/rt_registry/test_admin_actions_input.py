"""A forged row id in an admin action is refused with a message, not a server error."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from rt_registry.models import RT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["deactivate", "delete_selected", "propose_selected_rts"])
def test_non_numeric_selected_id_is_refused_with_message(
    client, kelurahan_officer, rt_in_scope, action
):
    client.force_login(kelurahan_officer)
    url = reverse("admin:rt_registry_rt_changelist")

    response = client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [str(rt_in_scope.pk), "abc"], "index": 0}
    )

    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Pilihan baris tidak sah; tidak ada yang diubah." in texts
    assert RT.objects.get(pk=rt_in_scope.pk).is_active


def test_numeric_selected_ids_still_run_the_action(client, kelurahan_officer, rt_in_scope):
    client.force_login(kelurahan_officer)
    url = reverse("admin:rt_registry_rt_changelist")

    client.post(url, {"action": "deactivate", ACTION_CHECKBOX_NAME: [rt_in_scope.pk], "index": 0})

    assert not RT.objects.get(pk=rt_in_scope.pk).is_active
