from reports import views, views_board

app_name = "reports"

urlpatterns = [*views.urls, *views_board.urls]
