from django.urls import path

from medoffice.core.views import auth, pages, tokens

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("accounts/login/", auth.login_view, name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("accounts/mfa/verify/", auth.mfa_verify, name="mfa-verify"),
    path("accounts/mfa/enrol/", auth.mfa_enrol, name="mfa-enrol"),
    path("accounts/mfa/recovery-codes/", auth.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("accounts/password/", auth.password_change, name="password-change"),
    path("accounts/tokens/", tokens.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("users/tokens/", tokens.staff_tokens, name="staff-tokens"),
    path("practice/", pages.practice_detail, name="practice"),
    path("practice/edit/", pages.practice_edit, name="practice-edit"),
    path("users/", pages.UserListPage.as_view(), name="users"),
    path("users/new/", pages.user_create, name="user-create"),
    path("users/<int:pk>/", pages.user_edit, name="user-edit"),
    path("users/<int:pk>/unlock/", pages.user_unlock, name="user-unlock"),
    path("users/<int:pk>/reset-mfa/", pages.user_reset_mfa, name="user-reset-mfa"),
    path(
        "users/<int:pk>/require-password-change/",
        pages.user_require_password_change,
        name="user-require-password-change",
    ),
    path("audit/", pages.AuditReportPage.as_view(), name="audit"),
    path("audit/verify/", pages.audit_verify, name="audit-verify"),
    path("health", auth.health, name="health"),
]
