from shared.plugins import MunicipalityPlugin, Organization

municipality = MunicipalityPlugin(
    code="magnitogorsk",
    name="Магнитогорск",
    region="Челябинская область",
    timezone="Asia/Yekaterinburg",
    oktmo="75738000",
    organizations=(
        Organization("Управление образования администрации г. Магнитогорска", "department"),
        Organization("Учреждение дополнительного образования г. Магнитогорска", "additional_education"),
        Organization("Школа г. Магнитогорска", "school"),
    ),
)
