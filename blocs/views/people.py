"""Accounts and their roles, managed by the board: there is no self-registration."""

from axes.utils import reset as axes_reset
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminPasswordChangeForm, BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from blocs.models import Bloc, Role
from blocs.views.mixins import Guarded, ObjectGuarded
from units.concurrency import VersionedUpdateMixin
from units.history import history_rows
from units.models import Unit
from units.text import search_key

User = get_user_model()


class UserCreateForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "position", "email"]


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "position", "email", "is_active"]


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["kind", "bloc", "unit"]
        help_texts = {
            "bloc": gettext_lazy("Chỉ cho thư ký khối và khối trưởng."),
            "unit": gettext_lazy("Chỉ cho cán bộ phụ trách của đơn vị."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc"].queryset = Bloc.objects.filter(active=True)
        self.fields["unit"].queryset = Unit.objects.filter(active=True)


class UserList(Guarded, ListView):
    permission_required = "accounts.manage_users"
    template_name = "accounts/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        roles = Role.objects.select_related("bloc", "unit")
        qs = User.objects.prefetch_related(Prefetch("roles", queryset=roles)).order_by("username")
        query = self.request.GET.get("q", "").strip()
        if query:
            # Names are few hundred at most: match in Python so diacritics are ignored on every database.
            key = search_key(query)
            ids = [
                pk
                for pk, username, full_name in User.objects.values_list("pk", "username", "full_name")
                if key in search_key(f"{username} {full_name}")
            ]
            qs = qs.filter(pk__in=ids)
        return qs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "query": self.request.GET.get("q", "")}


class UserCreate(Guarded, CreateView):
    permission_required = "accounts.manage_users"
    form_class = UserCreateForm
    template_name = "accounts/user_form.html"

    def get_success_url(self):
        messages.success(self.request, _("Đã tạo tài khoản %(user)s. Hãy giao vai trò cho tài khoản.") % {
            "user": self.object.username})  # fmt: skip
        return reverse("blocs:user_detail", args=[self.object.pk])


class UserDetail(ObjectGuarded, DetailView):
    permission_required = "accounts.manage_users"
    template_name = "accounts/user_detail.html"
    context_object_name = "person"
    queryset = User.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = self.object.roles.select_related("bloc", "unit")
        context["role_form"] = kwargs.get("role_form") or RoleForm()
        context["history"] = history_rows(self.object)
        return context


class UserUpdate(ObjectGuarded, VersionedUpdateMixin, UpdateView):
    permission_required = "accounts.manage_users"
    form_class = UserEditForm
    template_name = "accounts/user_form.html"
    context_object_name = "person"
    queryset = User.objects.all()

    def get_success_url(self):
        messages.success(self.request, _("Đã lưu tài khoản %(user)s.") % {"user": self.object.username})
        return reverse("blocs:user_detail", args=[self.object.pk])


class UserSetPassword(Guarded, FormView):
    """The board sets a new password for someone who forgot theirs; their other sessions end."""

    permission_required = "accounts.manage_users"
    form_class = AdminPasswordChangeForm
    template_name = "accounts/user_password.html"

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.person}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.person}

    def form_valid(self, form):
        with transaction.atomic():
            form.save()
            # A person locked out after failed sign-ins can use the new password at once.
            axes_reset(username=self.person.username)
        messages.success(self.request, _("Đã đặt mật khẩu mới cho %(user)s.") % {"user": self.person.username})
        return redirect("blocs:user_detail", pk=self.person.pk)


class RoleAdd(Guarded, FormView):
    permission_required = "accounts.manage_users"
    form_class = RoleForm
    http_method_names = ["post"]

    def form_valid(self, form):
        person = get_object_or_404(User, pk=self.kwargs["pk"])
        role = form.save(commit=False)
        role.user = person
        try:
            with transaction.atomic():
                role.full_clean()
                role.save()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
        else:
            messages.success(self.request, _("Đã giao vai trò: %(role)s.") % {"role": role})
        return redirect("blocs:user_detail", pk=person.pk)

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect("blocs:user_detail", pk=self.kwargs["pk"])


class RoleRemove(Guarded, FormView):
    permission_required = "accounts.manage_users"
    form_class = forms.Form
    http_method_names = ["post"]

    def form_valid(self, form):
        role = get_object_or_404(Role, pk=self.kwargs["role_pk"], user_id=self.kwargs["pk"])
        role.delete()
        messages.success(self.request, _("Đã thu hồi vai trò: %(role)s.") % {"role": role})
        return redirect("blocs:user_detail", pk=self.kwargs["pk"])
