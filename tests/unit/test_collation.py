"""Names sort as a French reader expects, not by code points."""

from paniers.collation import sort_key


def test_accented_capitals_sort_with_their_letter():
    names = ["Tomate", "Épinard", "Oignon", "Œufs", "endive", "Échalote", "Carotte"]
    assert sorted(names, key=sort_key) == [
        "Carotte", "Échalote", "endive", "Épinard", "Œufs", "Oignon", "Tomate"]


def test_same_letters_keep_a_stable_order():
    assert sorted(["Pomme", "pomme", "Pommé"], key=sort_key) == ["Pomme", "Pommé", "pomme"]
