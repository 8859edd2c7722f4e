"""The bike data loads as documented, and a malformed CSV gets a one-line error naming file, line and column."""
import hashlib

import pytest

from reference.trainer.bike_sharing import HOUR_CSV, DataError, chronological_split, load, read_rows

HEADER = "instant,dteday,hr,temp,hum,windspeed,workingday,cnt"


def csv_file(tmp_path, *rows, name="bad.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join((HEADER,) + rows) + "\r\n").encode())
    return str(path)


def test_the_shipped_file_is_the_documented_one():
    with open(HOUR_CSV, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert digest == "e03de4ee4ef4dc376ac6e04bf829673c6269e8eba5c60fa121640fa2f829504f"


def test_load_gives_the_five_scaled_features_and_the_target_per_row():
    x, y = load()
    assert (len(x), len(y)) == (17379, 17379)
    assert x[0] == [0.0, 0.24, 0.81, 0.0, 0.0]
    assert x[5] == [5 / 23, 0.24, 0.75, 0.0896, 0.0]
    assert y[0] == [0.016]  # cnt 16, read without the trailing carriage return
    assert all(0.0 <= v <= 1.0 for row in x for v in row)


def test_other_features_and_targets_can_be_chosen():
    x, y = load(features=("mnth", "weekday"), target="registered", target_scale=1.0)
    assert x[0] == [1 / 12, 6 / 6]
    assert y[0] == [13.0]


def test_the_split_is_chronological_and_sized_by_fractions():
    x = [[float(i)] for i in range(10)]
    (xa, ya), (xb, yb), (xc, yc) = chronological_split(x, x, (0.6, 0.2, 0.2))
    assert [r[0] for r in xa] == [0, 1, 2, 3, 4, 5]
    assert [r[0] for r in xb] == [6, 7]
    assert [r[0] for r in xc] == [8, 9]


@pytest.mark.parametrize("fractions", [(0.5, 0.6), (1.2, -0.2), (0.0, 1.0)])
def test_split_fractions_must_be_positive_and_sum_to_one(fractions):
    with pytest.raises(ValueError, match="split fractions must be positive and sum to 1"):
        chronological_split([[1.0]], [[1.0]], fractions)


@pytest.mark.parametrize("rows, message", [
    (("1,2011-01-01,0,0.24,0.81,0,0,16", "2,2011-01-01,1,warm,0.8,0,0,40"),
     "bad.csv, line 3, column 'temp': expected a number, got 'warm'"),
    (("1,2011-01-01,0,0.24,0.81,0,0",), "bad.csv, line 2: expected 8 fields like the header, got 7"),
    (("1,2011-01-01,0,0.24,nan,0,0,16",), "bad.csv, line 2, column 'hum': expected a finite number, got 'nan'"),
    ((), "bad.csv: no data rows after the header"),
])
def test_a_malformed_csv_names_file_line_and_column(tmp_path, rows, message):
    with pytest.raises(DataError) as error:
        load(csv_file(tmp_path, *rows))
    assert str(error.value) == message
    assert "\n" not in str(error.value)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("hr,temp\r\n1,0.2\r\n")
    with pytest.raises(DataError, match=r"^few.csv, line 1: missing column 'hum'$"):
        load(str(path))


def test_an_empty_or_missing_file_is_named(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="^empty.csv: the file is empty; expected a header line$"):
        load(str(empty))
    with pytest.raises(DataError, match="^nothing.csv: cannot be read as UTF-8 CSV"):
        load(str(tmp_path / "nothing.csv"))


@pytest.mark.parametrize("text, words", [
    ("1,2,3\n4,5,6\n", "line 1: the first line is all numbers, a data row, not a header"),
    ("a,b,a\n1,2,3\n", "line 1: column 'a' appears twice in the header"),
])
def test_a_file_without_a_proper_header_is_named(tmp_path, text, words):
    (tmp_path / "h.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=words):
        read_rows(str(tmp_path / "h.csv"))


def test_a_spreadsheet_file_reads_like_a_plain_one(tmp_path):
    """A UTF-8 byte-order mark is skipped and ';' is the separator when the header has no ','."""
    plain = csv_file(tmp_path, "1,2011-01-01,0,0.24,0.81,0,0,16", name="plain.csv")
    (tmp_path / "excel.csv").write_text("\ufeff" + HEADER.replace(",", ";") + "\n1;2011-01-01;0;0.24;0.81;0;0;16\n",
                                        encoding="utf-8")
    assert read_rows(str(tmp_path / "excel.csv")) == read_rows(plain)
    assert read_rows(plain)[0][0] == "instant"
    (tmp_path / "comma.csv").write_text("a;b\n0,24;x,y\n", encoding="utf-8")  # decimal commas
    assert read_rows(str(tmp_path / "comma.csv")) == (["a", "b"], [["0.24", "x,y"]])
