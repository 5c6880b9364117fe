from django.apps import AppConfig

from medoffice.core.roles import Permission


class PatientsConfig(AppConfig):
    name = "medoffice.patients"
    label = "patients"
    verbose_name = "Patients"
    api_router = "medoffice.patients.api.router"

    def ready(self) -> None:
        from medoffice.core.navigation import NavEntry, register

        register(
            NavEntry("Patients", "Patients", "patients:list", Permission.VIEW_PATIENT, order=10),
            NavEntry(
                "Patients",
                "Register a patient",
                "patients:new",
                Permission.CHANGE_PATIENT,
                order=11,
            ),
            NavEntry(
                "Security",
                "Emergency accesses",
                "patients:emergency-accesses",
                Permission.REVIEW_EMERGENCYACCESS,
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
                Permission.REVIEW_EMERGENCYACCESS,
                order=30,
            ),
            HomePanel(
                "recent_patients",
                "patients/panels/recent_patients.html",
                selectors.recent_patients,
                Permission.VIEW_PATIENT,
                order=50,
            ),
        )
        from medoffice.core.demo.registry import register_builder

        register_builder("patients", "medoffice.patients.demo.build_patient_registry", order=20)
        register_builder(
            "patients-emergency-access", "medoffice.patients.demo.build_emergency_access", order=50
        )
