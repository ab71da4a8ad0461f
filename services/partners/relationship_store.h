// SQL for relationships between partners and the hierarchy they form.
#ifndef CRM_SERVICES_PARTNERS_RELATIONSHIP_STORE_H_
#define CRM_SERVICES_PARTNERS_RELATIONSHIP_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "common/api/paging.h"
#include "common/db/database.h"
#include "crm/partners/v1/relationship.pb.h"

namespace crm::partners {

struct StoredRelationship {
  v1::Relationship relationship;  // complete, output-only fields filled in
  int64_t revision = 0;
};

std::optional<StoredRelationship> LoadRelationship(db::Connection& c, const std::string& id);

// Inserts at revision 1 (`relationship.name` set).
void InsertRelationship(db::Connection& c, const std::string& id,
                        const v1::Relationship& relationship);
void ReplaceRelationship(db::Connection& c, const std::string& id,
                         const v1::Relationship& relationship, int64_t revision);
void DeleteRelationship(db::Connection& c, const std::string& id);

// Ids of the relationships with `partner_id` on either side.
std::vector<std::string> RelationshipIdsOf(db::Connection& c, const std::string& partner_id);

// Whether a relationship of `type` from `partner_id` to `related_id`
// overlaps the days [from, to]; `symmetric` also looks the other way round.
// `except_id` is left out (the relationship being updated).
bool OverlappingExists(db::Connection& c, int type, const std::string& partner_id,
                       const std::string& related_id, int from, int to, bool symmetric,
                       const std::string& except_id);

// Whether `partner_id` already has a parent organisation during [from, to].
bool HasParentDuring(db::Connection& c, const std::string& partner_id, int from, int to,
                     const std::string& except_id);

// Whether `ancestor_id` is `partner_id` or above it in the subsidiary
// hierarchy (over every period: a hierarchy may never loop).
bool IsAncestorOrSelf(db::Connection& c, const std::string& ancestor_id,
                      const std::string& partner_id);

struct RelationshipQuery {
  std::string partner_id;  // either side; empty for all
  int type = 0;            // 0 for all
  int valid_on = 0;        // day number; 0 for any
  std::vector<db::SqlValue> after;
  int limit = 50;
};

struct RelationshipPage {
  std::vector<v1::Relationship> relationships;
  std::optional<std::vector<db::SqlValue>> next_after;
};

const api::OrderBy& RelationshipOrder();
RelationshipPage ListRelationships(db::Connection& c, const RelationshipQuery& query);

// One link of the subsidiary hierarchy valid on a day.
struct HierarchyLink {
  std::string relationship_id;
  std::string partner_id;  // the subsidiary
  std::string parent_id;
};

std::optional<HierarchyLink> ParentLink(db::Connection& c, const std::string& partner_id, int day);
std::vector<HierarchyLink> ChildLinks(db::Connection& c, const std::string& parent_id, int day);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_RELATIONSHIP_STORE_H_
