// Synthetic, reproducible partners for benchmarks: partner number k always
// has the same names, city, e-mail and phone, so a benchmark can ask for
// what it knows exists without reading it first. Names come from short
// lists (with accents), so common names repeat as they do in real data:
// every family name is shared by about 1 in 160 partners.
#ifndef CRM_TOOLS_LOADGEN_SYNTHETIC_PARTNERS_H_
#define CRM_TOOLS_LOADGEN_SYNTHETIC_PARTNERS_H_

#include <cstdint>
#include <string>

#include "crm/partners/v1/partner.pb.h"

namespace crm::loadgen {

struct City {
  const char* name;
  const char* postal_code;
  const char* country_code;
};

// The parts partner k is made of.
struct SyntheticParts {
  std::string given_name;   // persons only
  std::string family_name;  // for organisations, the first word of the name
  bool is_organization;
  City city;
  std::string email;
  std::string phone;  // E.164
};

SyntheticParts PartsOf(int64_t k);

// Partner k as it would be sent to CreatePartner.
crm::partners::v1::Partner SyntheticPartner(int64_t k);

}  // namespace crm::loadgen

#endif  // CRM_TOOLS_LOADGEN_SYNTHETIC_PARTNERS_H_
