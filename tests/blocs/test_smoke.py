from django.urls import reverse


def test_bloc_list_shows_blocs_to_board(client_for, board, world):
    response = client_for(board).get(reverse("blocs:list"))
    assert response.status_code == 200
    assert "Khối các cơ quan Tham mưu - Tổng hợp" in response.content.decode()
