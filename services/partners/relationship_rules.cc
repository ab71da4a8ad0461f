#include "services/partners/relationship_rules.h"

#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/resource.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::partners {
namespace {

constexpr size_t kMaxAttributeChars = 100;

struct CategoryRule {
  v1::RelationshipType type;
  std::initializer_list<v1::PartnerCategory> partner;  // empty: any
  std::initializer_list<v1::PartnerCategory> related;
};

constexpr auto kPerson = v1::PARTNER_CATEGORY_PERSON;
constexpr auto kOrganization = v1::PARTNER_CATEGORY_ORGANIZATION;
constexpr auto kGroup = v1::PARTNER_CATEGORY_GROUP;

const CategoryRule kRules[] = {
    {v1::RELATIONSHIP_TYPE_HAS_CONTACT_PERSON, {kOrganization}, {kPerson}},
    {v1::RELATIONSHIP_TYPE_IS_SUBSIDIARY_OF, {kOrganization}, {kOrganization}},
    {v1::RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF, {kPerson, kOrganization}, {kOrganization}},
    {v1::RELATIONSHIP_TYPE_IS_MARRIED_TO, {kPerson}, {kPerson}},
    {v1::RELATIONSHIP_TYPE_IS_MEMBER_OF_GROUP, {kPerson, kOrganization}, {kGroup}},
    {v1::RELATIONSHIP_TYPE_HAS_RESPONSIBLE_EMPLOYEE, {}, {kPerson}},
    {v1::RELATIONSHIP_TYPE_IS_AGENT_OF, {kPerson, kOrganization}, {}},
};

void CheckSide(std::initializer_list<v1::PartnerCategory> allowed, v1::PartnerCategory actual,
               v1::RelationshipType type, const std::string& field, Violations* out) {
  if (allowed.size() == 0) return;
  for (v1::PartnerCategory category : allowed) {
    if (category == actual) return;
  }
  std::vector<std::string> names;
  for (v1::PartnerCategory category : allowed) names.push_back(v1::PartnerCategory_Name(category));
  out->Add(field, absl::StrCat("is a ", v1::PartnerCategory_Name(actual), "; ",
                               v1::RelationshipType_Name(type), " needs ",
                               absl::StrJoin(names, " or ")));
}

void CheckDate(bool is_set, const google::type::Date& date, const std::string& field,
               Violations* out) {
  if (is_set && !validation::IsValidDate(date)) {
    out->Add(field, "must be a full, valid date");
  }
}

}  // namespace

int DayNumber(const google::type::Date& date, bool is_set, int open) {
  if (!is_set) return open;
  return date.year() * 10000 + date.month() * 100 + date.day();
}

void ValidateRelationship(const v1::Relationship& relationship, absl::string_view prefix,
                          Violations* out) {
  const auto path = [&](absl::string_view field) { return absl::StrCat(prefix, ".", field); };
  if (relationship.type() == v1::RELATIONSHIP_TYPE_UNSPECIFIED) {
    out->Add(path("type"), "is required");
  } else if (!v1::RelationshipType_IsValid(relationship.type())) {
    out->Add(path("type"), absl::StrCat("unknown value ", relationship.type()));
  }
  absl::StatusOr<std::string> partner =
      api::ParseResourceName(relationship.partner(), "partners", path("partner"));
  if (!partner.ok()) out->AddAll(partner.status());
  absl::StatusOr<std::string> related =
      api::ParseResourceName(relationship.related_partner(), "partners", path("related_partner"));
  if (!related.ok()) {
    out->AddAll(related.status());
  } else if (partner.ok() && *partner == *related) {
    out->Add(path("related_partner"), "must be another partner than `partner`");
  }
  CheckDate(relationship.has_valid_from(), relationship.valid_from(), path("valid_from"), out);
  CheckDate(relationship.has_valid_to(), relationship.valid_to(), path("valid_to"), out);
  if (relationship.has_valid_from() && relationship.has_valid_to() &&
      validation::IsValidDate(relationship.valid_from()) &&
      validation::IsValidDate(relationship.valid_to()) &&
      DayNumber(relationship.valid_to(), true, 0) < DayNumber(relationship.valid_from(), true, 0)) {
    out->Add(path("valid_to"), "must not be before valid_from");
  }
  if (relationship.has_contact_person()) {
    if (relationship.type() != v1::RELATIONSHIP_TYPE_HAS_CONTACT_PERSON) {
      out->Add(path("contact_person"), "is only for RELATIONSHIP_TYPE_HAS_CONTACT_PERSON");
    }
    validation::CheckText(relationship.contact_person().department(), kMaxAttributeChars,
                          path("contact_person.department"), out);
    validation::CheckText(relationship.contact_person().function(), kMaxAttributeChars,
                          path("contact_person.function"), out);
  }
  if (relationship.has_shareholder()) {
    if (relationship.type() != v1::RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF) {
      out->Add(path("shareholder"), "is only for RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF");
    }
    const int share = relationship.shareholder().share_basis_points();
    if (share < 1 || share > 10000) {
      out->Add(path("shareholder.share_basis_points"),
               "must be from 1 to 10000 (0.01 % to 100 %)");
    }
  }
}

void CheckCategories(v1::RelationshipType type, v1::PartnerCategory partner,
                     v1::PartnerCategory related, absl::string_view prefix, Violations* out) {
  for (const CategoryRule& rule : kRules) {
    if (rule.type != type) continue;
    CheckSide(rule.partner, partner, type, absl::StrCat(prefix, ".partner"), out);
    CheckSide(rule.related, related, type, absl::StrCat(prefix, ".related_partner"), out);
  }
}

}  // namespace crm::partners
