from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import views as crm_views

urlpatterns = [
    path("", crm_views.dashboard, name="dashboard"),
    path("signup/", crm_views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("", include("outreach.urls")),
    path("", include("qualifier.urls")),
    path("", include("analytics.urls")),
]
