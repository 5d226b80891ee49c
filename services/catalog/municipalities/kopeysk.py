from shared.plugins import MunicipalityPlugin, Organization

municipality = MunicipalityPlugin(
    code="kopeysk",
    name="Копейск",
    region="Челябинская область",
    timezone="Asia/Yekaterinburg",
    oktmo="75728000",
    organizations=(
        Organization("Управление образования администрации Копейского городского округа", "department"),
        Organization("Учреждение дополнительного образования г. Копейска", "additional_education"),
        Organization("Школа г. Копейска", "school"),
    ),
)
