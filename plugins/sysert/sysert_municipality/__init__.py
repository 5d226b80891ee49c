"""Сысерть, a UNESCO learning city, joins the network: an example of a municipality plugin.

Install it next to the network (``pip install plugins/sysert``) and restart the catalog service:
the city and its organisations appear in every cross-city view, with no change to any service.
"""
from shared.plugins import MunicipalityPlugin, Organization

municipality = MunicipalityPlugin(
    code="sysert",
    name="Сысерть",
    region="Свердловская область",
    timezone="Asia/Yekaterinburg",
    oktmo="65741000",  # Сысертский городской округ
    organizations=(
        Organization("Управление образования Сысертского городского округа", "department"),
        Organization("Центр дополнительного образования г. Сысерти", "additional_education"),
    ),
)
