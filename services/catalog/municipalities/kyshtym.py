from shared.plugins import MunicipalityPlugin, Organization

municipality = MunicipalityPlugin(
    code="kyshtym",
    name="Кыштым",
    region="Челябинская область",
    timezone="Asia/Yekaterinburg",
    oktmo="75734000",
    organizations=(
        Organization("Управление образования администрации Кыштымского городского округа", "department"),
        # Federal site of «Билет в будущее»; wrote the network's five career-trial programmes.
        Organization("Центр детского (юношеского) технического творчества г. Кыштыма (ЦДЮТТ)",
                     "additional_education"),
        Organization("Школа г. Кыштыма", "school"),
    ),
)
