/**
 * Text for chat messages, documents and rationales. Sentences are drawn once per language from
 * word lists into pools; a message is a run of pooled sentences, so building megabytes of text
 * costs one PRNG draw per ~80 bytes. English sessions carry a little typographic non-ASCII
 * (dashes, curly quotes, accents, emoji); other sessions are mostly non-ASCII.
 */

const EN = `the a an of to and in is for on with that this it as be by from at or are your our we you
order account refund invoice shipment delivery customer policy return warranty product device
battery screen update install error setting password login subscription plan billing payment card
charge address email phone support ticket agent request status tracking number date week month
please check confirm verify reset restart cancel upgrade downgrade transfer schedule review approve
quickly today tomorrow yesterday recently already still again only also just about after before
model query result document section page table column value field record file report summary data
latency timeout retry limit quota usage token cost price discount coupon region warehouse carrier
because however therefore although unless while since until whether which when where how why what
can could should would will may might must need want help find show explain compare list describe
new old first last next previous current available missing broken damaged late early correct wrong`.split(/\s+/);

const EN_SPICE = ['—', '…', '“exactly”', '‘fine’', 'café', 'naïve', 'Zürich', 'São Paulo', 'résumé', 'ﬁle', '€120', '±5%', '✓', '→', '😀', '🚀', '👍', '°C', 'Ångström', 'Kraków'];

const LANGS = {
  fr: `le la les un une des de du et à en pour avec sur dans est sont commande livraison remboursement
    facture client adresse été déjà très où ça reçu problème numéro compte paiement carte délai
    garantie produit écran mise à jour réinitialiser vérifier confirmer annuler aujourd’hui demain
    hôtel réservation château forêt élève garçon cœur œuvre façade naïf`.split(/\s+/),
  de: `der die das ein eine und ist nicht für mit auf zu im Bestellung Lieferung Rückerstattung
    Rechnung Kunde Adresse schon sehr über für Größe Straße Zahlung Konto Karte Gerät Bildschirm
    Aktualisierung zurücksetzen prüfen bestätigen stornieren heute morgen Fußgänger Übersicht
    Grüße Mädchen Äpfel Öffnungszeiten`.split(/\s+/),
  ja: `注文 配送 返金 請求書 お客様 住所 すでに とても 問題 番号 アカウント 支払い カード 端末 画面
    更新 確認 キャンセル 今日 明日 ありがとう ございます 申し訳 ありません お問い合わせ 東京 大阪
    予約 ホテル 天気 晴れ 雨 の を に は が で と も`.split(/\s+/),
  zh: `订单 配送 退款 发票 客户 地址 已经 非常 问题 号码 账户 付款 银行卡 设备 屏幕 更新 确认
    取消 今天 明天 谢谢 您好 抱歉 咨询 北京 上海 预订 酒店 天气 晴 雨 的 了 在 是 和 也`.split(/\s+/),
  ru: `заказ доставка возврат счёт клиент адрес уже очень проблема номер аккаунт оплата карта
    устройство экран обновление проверить подтвердить отменить сегодня завтра спасибо здравствуйте
    извините Москва гостиница погода и в на не что это как`.split(/\s+/),
};

const CODE = [
  'Here is the snippet:\n```python\nimport json\npath = "C:\\\\Users\\\\alice\\\\data.json"\nwith open(path) as f:\n    data = json.load(f)\nprint(data["items"][0])\n```\n',
  '```bash\ncurl -s -H "Authorization: Bearer $TOKEN" https://api.example.com/v2/orders?status=open | jq \'.items[] | {id, total}\'\n```\n',
  '```json\n{"order_id": "A-10293", "status": "shipped", "carrier": "UPS", "eta": "2026-02-03"}\n```\n',
  'Steps:\n1. Open **Settings** → *Billing*.\n2. Click "Update card".\n3. Enter the code sent to your phone.\n',
  '| item | qty | price |\n|---|---|---|\n| USB-C cable | 2 | $9.99 |\n| Charger "Pro" | 1 | $39.00 |\n',
  "Regex used: `^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+)@example\\.com$` and a tab\there.\n",
];

function sentence(rng, words, spice, spaced) {
  const n = rng.int(5, 22);
  let s = '';
  for (let i = 0; i < n; i++) {
    let w = rng.pick(words);
    if (spice && rng.chance(0.04)) w = rng.pick(spice);
    if (rng.chance(0.03)) w = `"${w}"`;
    s += spaced ? (i ? ' ' : '') + w : w;
  }
  if (spaced) s = s[0].toUpperCase() + s.slice(1);
  return s + (spaced ? rng.pick(['.', '.', '.', '?', '!', ':']) : rng.pick(['。', '。', '？', '！']));
}

/** Sentence pools per language, built once from a forked stream. */
export class Corpus {
  constructor(rng) {
    this.rng = rng;
    this.pools = { en: [] };
    for (let i = 0; i < 2048; i++) this.pools.en.push(sentence(rng, EN, rng.chance(0.15) ? EN_SPICE : null, true));
    for (const [lang, words] of Object.entries(LANGS)) {
      const spaced = lang !== 'ja' && lang !== 'zh';
      const pool = (this.pools[lang] = []);
      for (let i = 0; i < 512; i++) pool.push(sentence(rng, words, null, spaced));
    }
    this.langs = Object.keys(LANGS);
  }

  /** A session language: mostly English. */
  pickLang(rng) {
    return rng.chance(0.8) ? 'en' : rng.pick(this.langs);
  }

  /**
   * About `len` characters of prose (never cut inside a character), with paragraphs, and now and
   * then a code block, list or table carrying quotes, backslashes, tabs and newlines.
   */
  text(rng, lang, len) {
    const pool = this.pools[lang];
    let s = '';
    while (s.length < len) {
      if (s) s += rng.chance(0.12) ? '\n\n' : ' ';
      s += rng.chance(0.02) && len > 300 ? rng.pick(CODE) : rng.pick(pool);
    }
    return s;
  }

  /** A short phrase (titles, queries). */
  phrase(rng, lang, words) {
    const pool = this.pools[lang];
    const s = rng.pick(pool);
    const parts = s.split(' ');
    return parts.length > words ? parts.slice(0, words).join(' ') : s;
  }
}
