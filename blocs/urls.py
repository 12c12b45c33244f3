from django.urls import path

from blocs.views import (
    activity,
    blocs,
    grid,
    home,
    people,
    pledges,
    ranking,
    registry_io,
    rulesets,
    scoring_table,
    units,
    year,
)

app_name = "blocs"

urlpatterns = [
    path("nam/", home.set_year, name="set_year"),
    path("khoi/", blocs.BlocList.as_view(), name="list"),
    path("khoi/them/", blocs.BlocCreate.as_view(), name="create"),
    path("khoi/sao-chep-nam/", blocs.CopyYear.as_view(), name="copy_year"),
    path("khoi/<int:pk>/", blocs.BlocDetail.as_view(), name="detail"),
    path("khoi/<int:pk>/sua/", blocs.BlocUpdate.as_view(), name="update"),
    path("khoi/<int:pk>/thanh-vien/them/", blocs.MembershipAdd.as_view(), name="membership_add"),
    path("khoi/<int:pk>/sao-chep-nam/", blocs.CopyYear.as_view(), name="bloc_copy_year"),
    path("thanh-vien/<int:membership_pk>/", blocs.MembershipChange.as_view(), name="membership_change"),
    path("don-vi/", units.UnitList.as_view(), name="unit_list"),
    path("don-vi/them/", units.UnitCreate.as_view(), name="unit_create"),
    path("don-vi/<int:pk>/", units.UnitDetail.as_view(), name="unit_detail"),
    path("don-vi/<int:pk>/sua/", units.UnitUpdate.as_view(), name="unit_update"),
    path("quy-che/", rulesets.RuleSetList.as_view(), name="ruleset_list"),
    path("quy-che/tao/", rulesets.RuleSetCreate.as_view(), name="ruleset_create"),
    path("quy-che/<int:year>/", rulesets.RuleSetDetail.as_view(), name="ruleset_detail"),
    path("quy-che/<int:year>/sua/", rulesets.RuleSetUpdate.as_view(), name="ruleset_update"),
    path("du-lieu/", registry_io.RegistryIO.as_view(), name="registry_io"),
    path("du-lieu/mau.xlsx", registry_io.template_download, name="registry_template"),
    path("du-lieu/xuat.xlsx", registry_io.export_download, name="registry_export"),
    path("du-lieu/nhap/", registry_io.RegistryImport.as_view(), name="registry_import"),
]

urlpatterns += [
    path("nguoi-dung/", people.UserList.as_view(), name="user_list"),
    path("nguoi-dung/them/", people.UserCreate.as_view(), name="user_create"),
    path("nguoi-dung/<int:pk>/", people.UserDetail.as_view(), name="user_detail"),
    path("nguoi-dung/<int:pk>/sua/", people.UserUpdate.as_view(), name="user_update"),
    path("nguoi-dung/<int:pk>/mat-khau/", people.UserSetPassword.as_view(), name="user_password"),
    path("nguoi-dung/<int:pk>/vai-tro/", people.RoleAdd.as_view(), name="role_add"),
    path("nguoi-dung/<int:pk>/vai-tro/<int:role_pk>/thu-hoi/", people.RoleRemove.as_view(), name="role_remove"),
]

# The year's records of a bloc: /khoi/<pk>/nam/<year>/…  Each area's views module lists its own `urls`.
urlpatterns += [
    path("khoi/<int:pk>/nam/<int:year>/", year.YearOverview.as_view(), name="year"),
    path("khoi/<int:pk>/nam/<int:year>/khoa-so/", year.YearClose.as_view(), name="year_close"),
    path("khoi/<int:pk>/nam/<int:year>/mo-lai/", year.YearReopen.as_view(), name="year_reopen"),
    *scoring_table.urls,
    *pledges.urls,
    *grid.urls,
    *ranking.urls,
]

urlpatterns += activity.urls
