from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "medoffice.patients"
    label = "patients"
    verbose_name = "Patients"
    api_router = "medoffice.patients.api.router"

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
        from medoffice.core.homepanels import HomePanel
        from medoffice.core.homepanels import register as register_panel
        from medoffice.patients import selectors

        register_panel(
            HomePanel(
                "emergency_accesses",
                "patients/panels/emergency_accesses.html",
                selectors.unreviewed_emergency_accesses,
                "core.review_emergencyaccess",
                order=30,
            ),
            HomePanel(
                "recent_patients",
                "patients/panels/recent_patients.html",
                selectors.recent_patients,
                "patients.view_patient",
                order=50,
            ),
        )
        from medoffice.core.demo.registry import register_builder

        register_builder("patients", "medoffice.patients.demo.build_patient_registry", order=20)
        register_builder(
            "patients-emergency-access", "medoffice.patients.demo.build_emergency_access", order=50
        )
