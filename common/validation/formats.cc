#include "common/validation/formats.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace crm::validation {
namespace {

// Officially assigned ISO 3166-1 alpha-2 codes (249). Every pair of adjacent
// letters in this string is one code, so a plain substring search suffices.
constexpr absl::string_view kIsoCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU "
    "ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ "
    "LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ "
    "OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA "
    "RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU "
    "WF WS "
    "YE YT "
    "ZA ZM ZW";

struct IbanFormat {
  absl::string_view country;
  size_t length;
};

// IBAN lengths per country from the SWIFT IBAN registry (XK is Kosovo's
// user-assigned code, which the registry uses).
constexpr IbanFormat kIbanFormats[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
    {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
    {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
    {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21},
    {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
    {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
    {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
    {"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
    {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26},
    {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

// ---------------------------------------------------------------------------
// Characters.

bool IsUpperLetter(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperAlnum(char c) { return IsUpperLetter(c) || IsDigit(c); }
bool IsLetter(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }

template <typename Predicate>
bool AllOf(absl::string_view text, Predicate predicate) {
  return std::all_of(text.begin(), text.end(), predicate);
}

// A label of a domain name: letters, digits and inner hyphens, at most 63 characters.
bool IsDomainLabel(absl::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
         IsAsciiAlnumOr(label, "-");
}

// Length of the UTF-8 sequence that `lead` starts; 0 if it cannot start one.
size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// ISO 13616: the first four characters move to the end, letters count as
// 10..35, and the resulting number mod 97 must be 1.
int IbanMod97(absl::string_view iban) {
  int remainder = 0;
  for (size_t i = 0; i < iban.size(); ++i) {
    const char c = iban[(i + 4) % iban.size()];
    const int value = IsDigit(c) ? c - '0' : c - 'A' + 10;
    remainder = (remainder * (value < 10 ? 10 : 100) + value) % 97;
  }
  return remainder;
}

}  // namespace

bool IsValidEmail(absl::string_view address) {
  if (address.size() > kMaxEmailChars) return false;
  const size_t at = address.find('@');
  if (at == absl::string_view::npos || address.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  const absl::string_view local = address.substr(0, at);
  const absl::string_view domain = address.substr(at + 1);

  constexpr absl::string_view kLocalSymbols = "!#$%&'*+/=?^_`{|}~.-";
  // Dots separate the atoms of the local part: none at either end, no two in a row.
  if (local.empty() || local.size() > 64 || !IsAsciiAlnumOr(local, kLocalSymbols) ||
      local.front() == '.' || local.back() == '.' ||
      local.find("..") != absl::string_view::npos) {
    return false;
  }

  const size_t last_dot = domain.rfind('.');
  if (last_dot == absl::string_view::npos) return false;
  const absl::string_view top_level_domain = domain.substr(last_dot + 1);
  if (top_level_domain.size() < 2 || !AllOf(top_level_domain, IsLetter)) return false;
  for (size_t start = 0;;) {
    const size_t dot = domain.find('.', start);
    if (!IsDomainLabel(domain.substr(start, dot - start))) return false;
    if (dot == absl::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsValidE164(absl::string_view number) {
  return number.size() >= 9 && number.size() <= 16 && number[0] == '+' && number[1] != '0' &&
         AllOf(number.substr(1), IsDigit);
}

bool IsIsoCountryCode(absl::string_view code) {
  return code.size() == 2 && AllOf(code, IsUpperLetter) &&
         kIsoCountryCodes.find(code) != absl::string_view::npos;
}

IbanProblem FindIbanProblem(absl::string_view iban) {
  if (iban.size() < 5 || !IsUpperLetter(iban[0]) || !IsUpperLetter(iban[1]) ||
      !IsDigit(iban[2]) || !IsDigit(iban[3]) || !AllOf(iban, IsUpperAlnum)) {
    return IbanProblem::kFormat;
  }
  const size_t length = IbanLength(iban.substr(0, 2));
  if (length == 0) return IbanProblem::kUnknownCountry;
  if (iban.size() != length) return IbanProblem::kLength;
  return IbanMod97(iban) == 1 ? IbanProblem::kNone : IbanProblem::kChecksum;
}

size_t IbanLength(absl::string_view country) {
  for (const IbanFormat& format : kIbanFormats) {
    if (format.country == country) return format.length;
  }
  return 0;
}

bool IsValidIban(absl::string_view iban) { return FindIbanProblem(iban) == IbanProblem::kNone; }

bool IsValidBic(absl::string_view bic) {
  if (bic.size() != 8 && bic.size() != 11) return false;
  const absl::string_view country = bic.substr(4, 2);
  // SWIFT gives Kosovo's banks the user-assigned code XK.
  return AllOf(bic.substr(0, 4), IsUpperLetter) &&
         (IsIsoCountryCode(country) || country == "XK") && AllOf(bic.substr(6), IsUpperAlnum);
}

bool IsValidDate(const google::type::Date& date) {
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int year = date.year();
  const int month = date.month();
  if (year < 1 || year > 9999 || month < 1 || month > 12) return false;
  const bool leap_year = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDaysInMonth[month - 1] + (month == 2 && leap_year ? 1 : 0);
  return date.day() >= 1 && date.day() <= days;
}

bool IsAsciiAlnumOr(absl::string_view text, absl::string_view symbols) {
  return AllOf(text, [symbols](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           symbols.find(c) != absl::string_view::npos;
  });
}

std::optional<std::u32string> DecodeUtf8(absl::string_view text) {
  // By sequence length: the payload bits of the lead byte, and the smallest
  // code point needing that length (anything smaller is an overlong form).
  static constexpr unsigned char kLeadBits[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  std::u32string decoded;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = Utf8SequenceLength(lead);
    if (length == 0 || text.size() - i < length) return std::nullopt;
    char32_t code_point = lead & kLeadBits[length];
    for (size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if ((byte & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;
    }
    decoded.push_back(code_point);
    i += length;
  }
  return decoded;
}

bool IsControlCharacter(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

TextCheck CheckText(absl::string_view text) {
  const std::optional<std::u32string> chars = DecodeUtf8(text);
  if (!chars) return {TextProblem::kInvalidUtf8, 0};
  if (std::any_of(chars->begin(), chars->end(), IsControlCharacter)) {
    return {TextProblem::kControlCharacters, 0};
  }
  return {TextProblem::kNone, chars->size()};
}

bool IsProductGroup(absl::string_view code) {
  if (code.empty() || code.size() > 20) return false;
  for (char c : code) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c) && c != '-' && c != '_') return false;
  }
  return true;
}

bool IsIndustryCode(absl::string_view code) {
  return !code.empty() && code.size() <= 20 && IsAsciiAlnumOr(code, ".-");
}

}  // namespace crm::validation
