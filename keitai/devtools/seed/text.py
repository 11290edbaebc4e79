"""Japanese text for seeded members, diaries, communities and messages: names, sentences, titles."""
from __future__ import annotations

import bisect
import random
from typing import Callable





EMOJI = "☀☁⛄⚡🎵❤😊✨🍺🍜🚃📷🎉💦😢🌸🐱🍰♨"
GIVEN = (
    "さくら", "ゆき", "たろう", "けん", "まなみ", "ひろ", "なお", "りょう", "あや", "しょう", "みき",
    "だいすけ", "ゆう", "まい", "こうじ", "えり", "たく", "ちひろ", "もも", "はるか", "ケンジ", "アキ",
    "ミホ", "ユウタ", "ハル", "ナナ", "リサ", "ソウタ", "太郎", "花子", "健太", "美咲", "翔", "愛",
    "大輔", "直子", "拓也", "由美", "Yuki", "taku", "Mika", "kenji",
)
NICK_SUFFIX = ("", "", "", "", "☆", "♪", "ちゃん", "くん", "(^^)", "＠東京", "＠大阪", "_", "★", "さん")
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "松本", "井上")
GIVEN_KANJI = ("健太", "美咲", "翔太", "愛", "大輔", "直子", "拓也", "由美", "陽子", "誠", "彩", "亮", "恵", "聡")
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
# Big prefectures have more members.
PREFECTURE_WEIGHTS = tuple(20 if p in ("東京都", "大阪府", "神奈川県", "愛知県") else
                           8 if p in ("埼玉県", "千葉県", "兵庫県", "福岡県", "北海道") else 2 for p in PREFECTURES)
HOBBIES = (
    "カフェ巡り", "釣り", "キャンプ", "スノーボード", "ラーメン", "音楽", "映画鑑賞", "読書", "ゲーム",
    "カラオケ", "写真", "旅行", "料理", "サッカー", "野球観戦", "ドライブ", "ネイル", "アニメ", "ギター", "温泉",
)
JOBS = ("会社員", "学生", "フリーター", "看護師", "エンジニア", "主婦", "公務員", "美容師", "営業", "デザイナー")
OPENERS = ("今日は", "昨日は", "週末は", "久しぶりに", "仕事帰りに", "朝から", "夜に", "連休は", "さっき")
PLACES = ("渋谷", "新宿", "梅田", "天神", "札幌駅", "近所のカフェ", "実家", "海", "山", "駅前のラーメン屋", "友達の家", "会社")
DOINGS = (
    "で友達とごはんを食べました", "に行ってきました", "でのんびりしました", "で写真をたくさん撮りました",
    "で偶然中学の同級生に会いました", "で新しいお店を見つけました", "でずっと雨でした", "で買い物をしました",
)
THOUGHTS = (
    "また行きたいな", "疲れたけど楽しかった", "明日からまた頑張ります", "みんなは何してた？", "眠いです",
    "ちょっと食べすぎたかも", "写真はまた今度載せます", "最高の一日でした", "来週も楽しみ",
)
ENDINGS = ("。", "！", "♪", "…", "(笑)", "ｗ", "。。", "！！")
GROUP_NAMES = ("親友", "会社", "地元", "大学", "家族", "サークル", "ゲーム仲間", "ママ友", "飲み友達")
REQUEST_MESSAGES = (
    "はじめまして！マイミクになってください。", "日記いつも読んでます！よろしくお願いします♪",
    "同じコミュの者です。よろしくです", "", "", "久しぶり！覚えてる？",
)
AUDIENCES = ("everyone", "friends_of_friends", "friends", "private")


def sentence(rng: random.Random) -> str:
    """A line of the kind members wrote: 今日は渋谷で…。また行きたいな♪😊"""
    text = rng.choice(OPENERS) + rng.choice(PLACES) + rng.choice(DOINGS) + rng.choice(ENDINGS)
    if rng.random() < 0.7:
        text += rng.choice(THOUGHTS) + rng.choice(ENDINGS)
    if rng.random() < 0.4:
        text += rng.choice(EMOJI)
    return text


def paragraph(rng: random.Random, sentences: int) -> str:
    return "\n".join(sentence(rng) for _ in range(sentences))


def nickname(rng: random.Random) -> str:
    name = rng.choice(GIVEN) + rng.choice(NICK_SUFFIX)
    if name.endswith("_"):
        name += str(rng.randint(1, 99))
    if rng.random() < 0.1:
        name += rng.choice(EMOJI)
    return name


def weighted(rng: random.Random, choices: tuple, weights: tuple) -> Callable[[], object]:
    cumulative, total = [], 0
    for w in weights:
        total += w
        cumulative.append(total)
    return lambda: choices[bisect.bisect_right(cumulative, rng.random() * total)]



DIARY_TITLES = (
    "今日のこと", "週末の話", "ひさびさ更新", "ラーメン日記", "雨", "眠い…", "旅行記その1", "ライブ行ってきた",
    "新しい携帯", "ランチ", "お花見", "飲み会", "バイト", "誕生日でした", "映画", "ドライブ", "買い物", "カフェ",
)
COMMENTS = (
    "いいなー！", "楽しそう♪", "おつかれさま～", "今度連れてって！", "わかる(笑)", "写真見たい！", "ウケるｗ",
    "またごはん行こうね", "お大事に…", "おめでとう！！", "行ってみたい", "そこ知ってる！美味しいよね",
)
REPLIES = ("ありがとう♪", "うん、また行こう！", "ぜひぜひ(^^)", "笑", "でしょ？", "今度写真載せるね")
COMMUNITY_NAMES = {
    "area": ("{pref}に住んでる人", "{pref}ラーメン部", "{pref}の美味しい店"),
    "music": ("ロック好き集まれ", "カラオケ大好き", "着うた交換所", "ギター初心者の会"),
    "movie": ("映画館で観る派", "ジブリ好き", "ホラー映画の会"),
    "games": ("モンハン部", "ポケモン好き", "ドラクエ好き"),
    "sports": ("サッカー観戦", "野球好き", "フットサル仲間募集"),
    "food": ("ラーメン", "カレー大好き", "コンビニスイーツ", "お酒好き"),
    "animals": ("猫好き", "犬と暮らす", "ハムスター同好会"),
    "life": ("朝が弱い人", "携帯依存症", "一人暮らし", "月曜日が嫌い"),
    "hobby": ("写真部", "カフェ巡り", "温泉めぐり", "キャンプ好き"),
    "school": ("{pref}の高校出身", "大学生の集い", "元吹奏楽部"),
}
TOPIC_TITLES = (
    "自己紹介トピ", "雑談トピ", "オフ会しませんか？", "おすすめ教えて", "質問です", "今日あったこと", "イベント告知",
    "初心者です", "写真トピ", "ランキング",
)
TOPIC_REPLIES = (
    "はじめまして！よろしくお願いします", "参加したいです♪", "わかります！", "自分もです(笑)", "おすすめは駅前の店です",
    "行けたら行きます", "詳細待ってます！", "それいいですね", "ありがとうございます！", "久しぶりに来ました",
)
MESSAGE_SUBJECTS = ("こんにちは", "久しぶり！", "この前はありがとう", "質問です", "日記見たよ", "飲み会の件", "はじめまして")

