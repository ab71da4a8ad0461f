// Checks of common value formats: e-mail addresses, E.164 phone numbers, ISO
// 3166 country codes, IBANs, BICs, calendar dates and UTF-8 text. Pure
// functions, no I/O, for every service's request validation.
//
// They answer "is it valid" (and, where a caller wants to say precisely why,
// "what is wrong"); wording a violation and naming the field is the caller's.
// Values are expected normalised as the functions say (e.g. upper case, no
// spaces); nothing here trims or folds case.
//
// Typical use:
//   switch (validation::FindIbanProblem(account.iban())) { ... }
//   const validation::TextCheck text = validation::CheckText(name);
//   if (text.problem == validation::TextProblem::kNone && text.length > 100) ...
#ifndef CRM_COMMON_VALIDATION_FORMATS_H_
#define CRM_COMMON_VALIDATION_FORMATS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/type/date.pb.h"

namespace crm::validation {

// The most characters an e-mail address may have (RFC 5321 path limit).
inline constexpr size_t kMaxEmailChars = 254;

// Pragmatic check: one '@', a local part of 1..64 allowed characters, a
// domain of letter/digit/hyphen labels with a top-level domain of >= 2
// letters, at most kMaxEmailChars characters in all.
bool IsValidEmail(absl::string_view address);

// "+" and 8 to 15 digits, the first not 0.
bool IsValidE164(absl::string_view number);

// An officially assigned ISO 3166-1 alpha-2 code, upper case.
bool IsIsoCountryCode(absl::string_view code);
inline constexpr char kCountryCodeForm[] = "must be an ISO 3166-1 alpha-2 code, e.g. \"DE\"";

// What FindIbanProblem found wrong with an IBAN, the first in this order.
enum class IbanProblem {
  kNone,            // a valid IBAN
  kFormat,          // not 2 letters, 2 digits, then upper-case letters and digits
  kUnknownCountry,  // the country has no IBANs in the SWIFT IBAN registry
  kLength,          // not the length the country's IBANs have (IbanLength)
  kChecksum,        // the ISO 13616 mod-97 checksum is wrong
};

// Classifies a normalised IBAN (upper case, no spaces).
IbanProblem FindIbanProblem(absl::string_view iban);

// The length of `country`'s IBANs per the SWIFT IBAN registry (which uses XK
// for Kosovo); 0 if the country has none.
size_t IbanLength(absl::string_view country);

// A normalised IBAN (upper case, no spaces): a country of the SWIFT IBAN
// registry, that country's length and a valid mod-97 checksum.
bool IsValidIban(absl::string_view iban);

// 8 or 11 characters: 4 letters (bank), an ISO country code, 2 letters or
// digits (location), optionally 3 letters or digits (branch).
bool IsValidBic(absl::string_view bic);

// A full calendar date: year 1..9999, month 1..12, a day that month has.
bool IsValidDate(const google::type::Date& date);

// A product group code, the suite's grouping of products (sales' catalogue,
// marketing's leads and campaign prices): 1 to 20 upper-case letters,
// digits, "-" or "_".
bool IsProductGroup(absl::string_view code);
inline constexpr char kProductGroupForm[] =
    "must be 1 to 20 upper-case letters, digits, \"-\" or \"_\", e.g. \"MONITORS\"";

// An industry code as partners records it on an organisation (e.g. a NACE
// code "C26.2"): 1 to 20 ASCII letters, digits, "." or "-".
bool IsIndustryCode(absl::string_view code);
inline constexpr char kIndustryCodeForm[] =
    "must be 1 to 20 letters, digits, \".\" or \"-\", e.g. \"C26.2\"";

// Whether every character of `text` is an ASCII letter, an ASCII digit or one
// of `symbols`; true for an empty text.
bool IsAsciiAlnumOr(absl::string_view text, absl::string_view symbols);

// The code points of `text`, or nothing if it is not valid UTF-8 (overlong
// forms, surrogates and values above U+10FFFF are invalid).
std::optional<std::u32string> DecodeUtf8(absl::string_view text);

// C0 controls, DEL and C1 controls.
bool IsControlCharacter(char32_t c);

// What CheckText found wrong with a text, the first in this order.
enum class TextProblem {
  kNone,
  kInvalidUtf8,        // see DecodeUtf8
  kControlCharacters,  // see IsControlCharacter
};

struct TextCheck {
  TextProblem problem = TextProblem::kNone;
  size_t length = 0;  // in code points; set only when problem is kNone
};

// Checks that `text` is valid UTF-8 without control characters and counts its
// code points, which is what a limit of "characters" counts.
TextCheck CheckText(absl::string_view text);

}  // namespace crm::validation

#endif  // CRM_COMMON_VALIDATION_FORMATS_H_
