from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "medoffice.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from medoffice.core.navigation import NavEntry, register

        register(
            NavEntry("Patients", "Patients", "patients:list", "patients.view_patient", order=10),
            NavEntry(
                "Patients",
                "Register a patient",
                "patients:new",
                "patients.change_patient",
                order=11,
            ),
            NavEntry(
                "Security",
                "Emergency accesses",
                "patients:emergency-accesses",
                "core.review_emergencyaccess",
                order=62,
            ),
        )
