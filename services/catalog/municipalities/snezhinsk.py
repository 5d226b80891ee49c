from shared.plugins import MunicipalityPlugin, Organization

municipality = MunicipalityPlugin(
    code="snezhinsk",
    name="Снежинск",
    region="Челябинская область",
    timezone="Asia/Yekaterinburg",
    oktmo="75746000",
    organizations=(
        Organization("Управление образования администрации Снежинского городского округа", "department"),
        Organization("Учреждение дополнительного образования г. Снежинска", "additional_education"),
        Organization("Школа г. Снежинска", "school"),
    ),
)
