#include "services/servicedesk/service_order_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/dates.h"
#include "common/validation/field_checks.h"
#include "services/servicedesk/ticket_rules.h"

namespace crm::servicedesk {
namespace {

using validation::Child;
using validation::Element;

constexpr int64_t kMaxQuantity = 1000000;

bool IsItemId(const std::string& id) {
  return !id.empty() && id.size() <= 10 &&
         std::all_of(id.begin(), id.end(), [](char c) { return absl::ascii_isdigit(c); });
}

void CheckQuantity(int64_t quantity, const std::string& field, Violations* out) {
  if (quantity < 1 || quantity > kMaxQuantity) {
    out->Add(field, absl::StrCat("must be from 1 to ", kMaxQuantity));
  }
}

void CheckDateList(const google::protobuf::RepeatedPtrField<google::type::Date>& days,
                   int max_entries, const std::string& field, Violations* out) {
  if (!validation::CheckMaxEntries(days.size(), max_entries, field, out)) return;
  std::set<std::string> seen;
  for (int i = 0; i < days.size(); ++i) {
    const std::string at = Element(field, i);
    if (validation::CheckRequiredDate(days.Get(i), at, out) &&
        !seen.insert(api::IsoDate(days.Get(i))).second) {
      out->Add(at, "is listed twice");
    }
  }
}

money::Nanos HoursTimes(money::Nanos rate, double hours, const std::string& currency) {
  const std::optional<money::Scaled> scaled = money::ToScaled(hours, 2);
  return money::MultiplyToMinorUnit(rate, scaled.value_or(0), currency);
}

}  // namespace

void ValidateTechnician(const v1::Technician& technician, const std::string& path,
                        Violations* out) {
  const std::string partner = Child(path, "partner");
  if (technician.partner().empty()) {
    out->Add(partner, "is required");
  } else {
    validation::CheckOptionalReference(technician.partner(), "partners", partner, out);
  }
  validation::CheckRequiredText(technician.display_name(), 200, Child(path, "display_name"), out);
  const std::string skills = Child(path, "skills");
  if (technician.skills().empty()) {
    out->Add(skills, "needs at least one skill");
  } else {
    validation::CheckCodeList(technician.skills(), 20, IsTeamCode, kTeamCodeForm, skills, out);
  }
  if (technician.daily_capacity() < 1 || technician.daily_capacity() > 20) {
    out->Add(Child(path, "daily_capacity"), "must be from 1 to 20");
  }
  CheckDateList(technician.absences(), 366, Child(path, "absences"), out);
}

void ValidateSparePart(const v1::SparePart& part, const std::string& path, Violations* out) {
  const std::string product = Child(path, "product");
  if (part.product().empty()) {
    out->Add(product, "is required");
  } else {
    validation::CheckOptionalReference(part.product(), "products", product, out);
  }
  validation::CheckRequiredText(part.display_name(), 200, Child(path, "display_name"), out);
  if (part.quantity_on_hand() < 0) {
    out->Add(Child(path, "quantity_on_hand"), "must not be negative");
  }
  if (api::IsDateSet(part.replenishment_date())) {
    validation::CheckRequiredDate(part.replenishment_date(), Child(path, "replenishment_date"),
                                  out);
  }
  money::CheckMoney(part.unit_price(), Child(path, "unit_price"), true, false, "", out);
}

void ValidateServiceOrder(const v1::ServiceOrder& order, const std::string& path, Violations* out) {
  const std::string customer = Child(path, "customer");
  if (order.customer().empty()) {
    out->Add(customer, "is required");
  } else {
    validation::CheckOptionalReference(order.customer(), "partners", customer, out);
  }
  validation::CheckOptionalReference(order.ticket(), "tickets", Child(path, "ticket"), out);
  validation::CheckOptionalReference(order.component(), "installedComponents",
                                     Child(path, "component"), out);
  validation::CheckText(order.description(), 4000, Child(path, "description"), out);
  validation::CheckRequiredDate(order.planned_date(), Child(path, "planned_date"), out);
  const std::string currency = Child(path, "currency_code");
  if (order.currency_code().empty()) {
    out->Add(currency, "is required");
  } else if (!money::IsCurrencyCode(order.currency_code())) {
    out->Add(currency, "must be an ISO 4217 code, e.g. \"EUR\"");
  }
  const std::string items = Child(path, "items");
  if (order.items().empty()) {
    out->Add(items, "needs at least one item");
    return;
  }
  if (!validation::CheckMaxEntries(order.items_size(), 100, items, out)) return;
  std::set<std::string> ids;
  for (int i = 0; i < order.items_size(); ++i) {
    const v1::ServiceOrderItem& item = order.items(i);
    const std::string at = Element(items, i);
    if (!IsItemId(item.item_id())) {
      out->Add(Child(at, "item_id"), "must be 1 to 10 digits, e.g. \"10\"");
    } else if (!ids.insert(item.item_id()).second) {
      out->Add(Child(at, "item_id"), "is used twice");
    }
    if (!validation::CheckRequiredEnum(item.type(), v1::ServiceItemType_IsValid, Child(at, "type"),
                                       out)) {
      continue;
    }
    if (item.type() == v1::SERVICE_ITEM_TYPE_LABOUR) {
      if (!IsTeamCode(item.skill())) out->Add(Child(at, "skill"), kTeamCodeForm);
      money::CheckDecimal(item.hours(), 2, 0, true, 1000 * money::kScale, Child(at, "hours"), out);
      money::CheckMoney(item.hourly_rate(), Child(at, "hourly_rate"), true, false,
                        order.currency_code(), out);
      if (!item.spare_part().empty()) out->Add(Child(at, "spare_part"), "is only for parts");
      if (item.quantity() != 0) out->Add(Child(at, "quantity"), "is only for parts");
    } else {
      const std::string part = Child(at, "spare_part");
      if (item.spare_part().empty()) {
        out->Add(part, "is required");
      } else {
        validation::CheckOptionalReference(item.spare_part(), "spareParts", part, out);
      }
      CheckQuantity(item.quantity(), Child(at, "quantity"), out);
      if (!item.skill().empty()) out->Add(Child(at, "skill"), "is only for labour");
      if (item.hours() != 0) out->Add(Child(at, "hours"), "is only for labour");
      if (item.has_hourly_rate()) out->Add(Child(at, "hourly_rate"), "is only for labour");
    }
  }
}

void ValidateConfirmation(const v1::ServiceConfirmation& confirmation, const std::string& path,
                          Violations* out) {
  validation::CheckRequiredDate(confirmation.work_date(), Child(path, "work_date"), out);
  const std::string times = Child(path, "time_entries");
  if (validation::CheckMaxEntries(confirmation.time_entries_size(), 100, times, out)) {
    for (int i = 0; i < confirmation.time_entries_size(); ++i) {
      const std::string at = Element(times, i);
      if (confirmation.time_entries(i).item_id().empty()) {
        out->Add(Child(at, "item_id"), "is required");
      }
      money::CheckDecimal(confirmation.time_entries(i).hours(), 2, 0, true, 24 * money::kScale,
                          Child(at, "hours"), out);
    }
  }
  const std::string materials = Child(path, "materials");
  if (validation::CheckMaxEntries(confirmation.materials_size(), 100, materials, out)) {
    for (int i = 0; i < confirmation.materials_size(); ++i) {
      const std::string at = Element(materials, i);
      const std::string part = Child(at, "spare_part");
      if (confirmation.materials(i).spare_part().empty()) {
        out->Add(part, "is required");
      } else {
        validation::CheckOptionalReference(confirmation.materials(i).spare_part(), "spareParts",
                                           part, out);
      }
      CheckQuantity(confirmation.materials(i).quantity(), Child(at, "quantity"), out);
    }
  }
  validation::CheckText(confirmation.report(), 20000, Child(path, "report"), out);
  if (confirmation.time_entries().empty() && confirmation.materials().empty() &&
      confirmation.report().empty() && !confirmation.final()) {
    out->Add(path, "records nothing: give time, material, a report or final");
  }
}

void CheckConfirmationItems(const v1::ServiceConfirmation& confirmation,
                            const v1::ServiceOrder& order, const std::string& path,
                            Violations* out) {
  std::set<std::string> labour;
  for (const auto& item : order.items()) {
    if (item.type() == v1::SERVICE_ITEM_TYPE_LABOUR) labour.insert(item.item_id());
  }
  for (int i = 0; i < confirmation.time_entries_size(); ++i) {
    if (labour.count(confirmation.time_entries(i).item_id()) == 0) {
      out->Add(Child(Element(Child(path, "time_entries"), i), "item_id"),
               absl::StrCat("is not a labour item of ", order.name()));
    }
  }
}

std::set<std::string> SkillsNeeded(const v1::ServiceOrder& order) {
  std::set<std::string> skills;
  for (const auto& item : order.items()) {
    if (item.type() == v1::SERVICE_ITEM_TYPE_LABOUR) skills.insert(item.skill());
  }
  return skills;
}

std::vector<std::string> MissingSkills(const v1::Technician& technician,
                                       const std::set<std::string>& needed) {
  std::vector<std::string> missing;
  for (const std::string& skill : needed) {
    if (std::find(technician.skills().begin(), technician.skills().end(), skill) ==
        technician.skills().end()) {
      missing.push_back(skill);
    }
  }
  return missing;
}

bool IsAway(const v1::Technician& technician, const google::type::Date& day) {
  return std::any_of(
      technician.absences().begin(), technician.absences().end(),
      [&](const google::type::Date& absence) { return api::CompareDates(absence, day) == 0; });
}

void SetExpectedCompletion(v1::ServiceOrder* order) {
  order->set_parts_status(order->missing_parts().empty() ? v1::PARTS_STATUS_ALL_RESERVED
                                                         : v1::PARTS_STATUS_MISSING);
  google::type::Date expected = order->planned_date();
  for (const v1::MissingPart& missing : order->missing_parts()) {
    if (!api::IsDateSet(missing.replenishment_date())) {
      order->clear_expected_completion_date();
      return;
    }
    if (api::CompareDates(missing.replenishment_date(), expected) > 0) {
      expected = missing.replenishment_date();
    }
  }
  *order->mutable_expected_completion_date() = expected;
}

std::string PartsNoteText(const v1::ServiceOrder& order,
                          const std::map<std::string, std::string>& part_names) {
  if (order.missing_parts().empty()) {
    return absl::StrCat("All parts for your service order are in stock. We plan the work for ",
                        api::IsoDate(order.planned_date()), ".");
  }
  std::vector<std::string> parts;
  for (const v1::MissingPart& missing : order.missing_parts()) {
    auto name = part_names.find(missing.spare_part());
    parts.push_back(absl::StrCat(
        missing.quantity(), " x ", name == part_names.end() ? missing.spare_part() : name->second,
        api::IsDateSet(missing.replenishment_date())
            ? absl::StrCat(" (expected ", api::IsoDate(missing.replenishment_date()), ")")
            : " (no delivery date yet)"));
  }
  return absl::StrCat("Not in stock yet: ", absl::StrJoin(parts, ", "), ". ",
                      api::IsDateSet(order.expected_completion_date())
                          ? absl::StrCat("We expect to complete the work on ",
                                         api::IsoDate(order.expected_completion_date()), ".")
                          : "We will tell you the date as soon as the supplier confirms it.");
}

void ComputeConfirmationAmounts(const v1::ServiceOrder& order,
                                const std::map<std::string, money::Nanos>& unit_prices,
                                const v1::Entitlement& entitlement,
                                v1::ServiceConfirmation* confirmation) {
  const std::string& currency = order.currency_code();
  std::map<std::string, const v1::ServiceOrderItem*> items;
  for (const auto& item : order.items()) items[item.item_id()] = &item;
  money::Nanos labour = 0;
  for (const v1::TimeEntry& entry : confirmation->time_entries()) {
    auto item = items.find(entry.item_id());
    if (item == items.end()) continue;
    labour += HoursTimes(money::ToNanos(item->second->hourly_rate()), entry.hours(), currency);
  }
  money::Nanos material = 0;
  for (const v1::MaterialEntry& entry : confirmation->materials()) {
    auto price = unit_prices.find(entry.spare_part());
    if (price == unit_prices.end()) continue;
    material += money::RoundToMinorUnit(price->second * entry.quantity(), currency);
  }
  const auto covers = [&](v1::WarrantyCoverage coverage) {
    return entitlement.covered() &&
           std::find(entitlement.coverage().begin(), entitlement.coverage().end(), coverage) !=
               entitlement.coverage().end();
  };
  money::Nanos covered = 0;
  if (covers(v1::WARRANTY_COVERAGE_LABOUR)) covered += labour;
  if (covers(v1::WARRANTY_COVERAGE_PARTS)) covered += material;
  confirmation->clear_covered_by();
  if (covered > 0) {
    for (const std::string& warranty : entitlement.warranties()) {
      confirmation->add_covered_by(warranty);
    }
    for (const std::string& contract : entitlement.service_contracts()) {
      confirmation->add_covered_by(contract);
    }
  }
  auto set = [&](money::Nanos amount, crm::type::v1::Money* out) {
    if (auto m = money::FromNanos(amount, currency)) *out = *m;
  };
  set(labour, confirmation->mutable_labour_amount());
  set(material, confirmation->mutable_material_amount());
  set(covered, confirmation->mutable_covered_amount());
  set(labour + material - covered, confirmation->mutable_billable_amount());
}

}  // namespace crm::servicedesk
