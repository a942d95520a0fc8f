"""The words ``gloss`` reads as English, per language, and the words that tell a language.

Russian and Ukrainian are told by their script (Ukrainian by the letters only it writes), as
Chinese and Japanese are, in ``gloss.language``.

Each entry is a regular expression and its English: technical nouns ("Replik", "réplique",
"副本"), the function words that carry a fact ("aus dem" -> "from the", "ya existe" ->
"existing") and number words next to a count. A longer phrase comes before the words it holds.
"""

from __future__ import annotations

from bot.tools.parsing.gloss_words.cjk import CHINESE, JAPANESE
from bot.tools.parsing.gloss_words.common import Lexicon
from bot.tools.parsing.gloss_words.dutch import DUTCH
from bot.tools.parsing.gloss_words.french import FRENCH
from bot.tools.parsing.gloss_words.german import GERMAN
from bot.tools.parsing.gloss_words.indonesian import INDONESIAN
from bot.tools.parsing.gloss_words.italian import ITALIAN
from bot.tools.parsing.gloss_words.korean import KOREAN
from bot.tools.parsing.gloss_words.norwegian import NORWEGIAN
from bot.tools.parsing.gloss_words.polish import POLISH
from bot.tools.parsing.gloss_words.portuguese import PORTUGUESE
from bot.tools.parsing.gloss_words.russian import RUSSIAN
from bot.tools.parsing.gloss_words.spanish import SPANISH
from bot.tools.parsing.gloss_words.swedish import SWEDISH
from bot.tools.parsing.gloss_words.turkish import TURKISH
from bot.tools.parsing.gloss_words.ukrainian import UKRAINIAN
from bot.tools.parsing.gloss_words.vietnamese import VIETNAMESE

__all__ = [
    "CHINESE",
    "DUTCH",
    "FRENCH",
    "GERMAN",
    "INDONESIAN",
    "ITALIAN",
    "JAPANESE",
    "KOREAN",
    "MARKERS",
    "NORWEGIAN",
    "POLISH",
    "PORTUGUESE",
    "RUSSIAN",
    "SPANISH",
    "SWEDISH",
    "TURKISH",
    "UKRAINIAN",
    "VIETNAMESE",
    "Lexicon",
]

# Function words that say which language a request is written in.
MARKERS = {
    "en": r"the|and|with|for|from|is|are|to|of|on|we|our|please|it",
    "de": r"und|der|die|das|nicht|mit|wir|ist|für|auf|unser|bitte|über|dem|ein|eine|hallo|danke",
    "fr": r"le|la|les|des|et|est|pour|avec|nous|une|dans|sur|notre|sont|du|bonjour|merci",
    "es": r"el|los|las|y|es|para|con|una|del|que|en|nuestro|por|favor|está|hola|gracias",
    "pt": r"o|os|as|e|para|com|uma|não|do|da|em|nosso|por|favor|olá|obrigado",
    # Not "per", "non" ("per pod", "non-root" are English) nor "de" (Spanish, French too).
    "it": r"il|lo|gli|di|della|delle|dello|degli|che|sono|nel|nella|è|anche|ogni|nostro|nostra|"
    r"vogliamo|abbiamo|questo|questa|ciao|grazie",
    "nl": r"het|een|van|niet|voor|wij|onze|geen|ook|zijn|jullie|moet|worden|wordt|dit|dat|naar|"
    r"alleen|maar|graag|hoi|alvast|bedankt",
    # Not "den" or "kan": German and Dutch say them too.
    "sv": r"och|att|det|för|inte|vi|vår|vårt|våra|ska|med|som|är|av|ett|eller|utan|behöver|vill|"
    r"hej|tack",
    # Not "na", "do", "ma" nor "i": Portuguese, English and Italian say them too.
    "pl": r"się|jest|są|oraz|dla|przez|czyli|który|która|które|którym|mamy|nasz|nasza|nasze|"
    r"naszym|naszej|naszego|potrzebuję|potrzebujemy|już|tylko|też|więc|żeby|bez|cześć|dzięki|"
    r"proszę|musi|być|obu|z|ze|w|nie|jak|tak",
    # Norwegian and Danish, told from Swedish by the words Swedish spells otherwise.
    "no": r"og|ikke|ikkje|jeg|trenger|trænger|vores|dere|jeres|takk|tak|hei|uten|uden|også|"
    r"skal|hvis|hvor|våre|af|blir|bliver|dette|denne|eksisterende",
    # Not "de", "da" (Portuguese, Spanish, French), "her" nor "var" (English).
    "tr": r"ve|bir|bu|için|ile|olarak|olan|değil|gibi|veya|ama|merhaba|lütfen|teşekkürler|"
    r"şu|çok|daha|olmalı|olsun|gerekiyor|istiyoruz|ihtiyacımız|bizim|ayrıca|sadece|zaten|"
    r"mevcut|tüm",
    # Indonesian and Malay. Not "di" (Italian), "dan" (Dutch), "ini" (".ini" files), "ada", "mau"
    # nor "sama".
    "id": r"yang|untuk|dengan|dari|tidak|sudah|juga|harus|bisa|atau|pakai|tolong|terima|kasih|"
    r"halo|jangan|karena|jadi|seperti|cukup|kami|kita|saya|perlu|ingin|belum|dalam|pada|"
    r"sebagai|agar|supaya|tapi|lewat|selalu|tetap|setelah|punya|situ|sekarang|kalau|jika|akan|"
    r"itu|mohon|semua|setiap|tiap|menggunakan|dijalankan|jalankan",
    # Vietnamese: syllables with its own letters and tone marks, which no other language here
    # writes. Not "sang", "theo" nor "ban" (English words and names).
    "vi": r"của|và|với|các|những|được|không|trong|để|này|một|từ|đã|sẽ|cần|chúng|tôi|mình|bạn|"
    r"cảm|ơn|xin|chào|nhé|vào|trên|dùng|phải|luôn|cũng|nên|hoặc|nếu|mỗi|lúc|có|cho|thì|khi|"
    r"đó|đây|hãy|giúp|nhờ|bằng|đang|rồi|nhưng",
}
