"""The issue's acceptance examples: a name as recorded, the script it is in, and what a caseworker types."""

ACCEPTANCE = [
    ("ئىلھام توختى", "Arab", "uyghur", "Ilham Tohti"),
    ("བཀྲ་ཤིས་དབང་ཕྱུག", "Tibt", "tibetan", "Tashi Wangchuk"),
    ("黎智英", "Hant", "hongkong", "Lai Chee-ying"),
    ("彭立发", "Hans", "chinese_dissident", "Peng Lifa"),
    ("កឹម សុខា", "Khmr", "cambodian", "Kem Sokha"),
    ("ዳዊት ኢሳቕ", "Ethi", "eritrean", "Dawit Isaak"),
]
