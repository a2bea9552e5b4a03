#include "ingest/cdo_source.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "ingest/cdo_fetcher.h"
#include "ingest/formats.h"
#include "ingest/observation.h"
#include "ingest/units.h"

namespace freshet::ingest {
namespace {

namespace chr = std::chrono;
using Json = nlohmann::json;

constexpr int kPageLimit = 1000;

Result<chr::sys_days> ParseDay(const std::string& text) {
  if (!IsIsoDate(text)) return Status::InvalidArgument("date '" + text + "' is not YYYY-MM-DD");
  chr::year_month_day ymd{chr::year(std::stoi(text.substr(0, 4))), chr::month(std::stoi(text.substr(5, 2))),
                          chr::day(std::stoi(text.substr(8, 2)))};
  return chr::sys_days(ymd);
}

std::string FormatDay(chr::sys_days day) {
  chr::year_month_day ymd(day);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", static_cast<int>(ymd.year()) % 10000,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string WithPrefix(const std::string& id) { return id.rfind("GHCND:", 0) == 0 ? id : "GHCND:" + id; }

// metadata.resultset.count and a results array, each row a well-formed observation.
Status CheckDataPage(const Json& doc) {
  if (!doc.is_object()) return Status::InvalidArgument("not a JSON object");
  if (doc.empty()) return Status::OK();  // {} = no results
  static const Json::json_pointer kCount("/metadata/resultset/count");
  if (!doc.contains(kCount) || !doc.at(kCount).is_number_integer()) {
    return Status::InvalidArgument("no metadata.resultset.count");
  }
  if (!doc.contains("results") || !doc["results"].is_array()) return Status::InvalidArgument("no results array");
  for (const Json& row : doc["results"]) {
    if (!row.is_object() || !row.contains("date") || !row["date"].is_string() || !row.contains("datatype") ||
        !row["datatype"].is_string() || !row.contains("station") || !row["station"].is_string() ||
        !row.contains("value") || !row["value"].is_number()) {
      return Status::InvalidArgument("a row lacks date, datatype, station or a numeric value: " + row.dump());
    }
    std::string date = row["date"].get<std::string>().substr(0, 10);
    if (!IsIsoDate(date)) return Status::InvalidArgument("a row's date is not a date: " + row.dump());
  }
  return Status::OK();
}

Status CheckStationsPage(const Json& doc) {
  if (!doc.is_object()) return Status::InvalidArgument("not a JSON object");
  if (doc.empty()) return Status::OK();
  if (doc.contains("results")) {
    if (!doc["results"].is_array()) return Status::InvalidArgument("results is not an array");
    if (!doc.contains("metadata")) return Status::InvalidArgument("no metadata");
    return Status::OK();
  }
  if (!doc.contains("id") || !doc["id"].is_string()) return Status::InvalidArgument("no station id");
  return Status::OK();
}

void AddStation(const Json& station, StationNameCache* cache) {
  if (!station.contains("id") || !station["id"].is_string()) return;
  std::string name = station.contains("name") && station["name"].is_string() ? station["name"].get<std::string>() : "";
  if (!name.empty()) cache->names[std::string(StripGhcndPrefix(station["id"].get<std::string>()))] = name;
}

// Fills `cache` for the location or stations of `options` unless it already knows them.
Status FetchStationNames(const CdoOptions& options, CdoFetcher* fetcher, StationNameCache* cache) {
  if (!options.location_id.empty()) {
    for (const std::string& known : cache->locations) {
      if (known == options.location_id) return Status::OK();
    }
    for (long offset = 1;;) {
      std::string url = options.endpoint +
                        "/stations?datasetid=GHCND&locationid=" + HttpClient::Escape(options.location_id) +
                        "&limit=" + std::to_string(kPageLimit) + "&offset=" + std::to_string(offset);
      FRESHET_ASSIGN_OR_RETURN(Json doc, fetcher->GetJson(url, CheckStationsPage));
      if (doc.empty() || doc["results"].empty()) break;
      for (const Json& station : doc["results"]) AddStation(station, cache);
      offset += static_cast<long>(doc["results"].size());
      // By pointer: doc["metadata"]["resultset"] throws when metadata is not an object.
      static const Json::json_pointer kCount("/metadata/resultset/count");
      if (!doc.contains(kCount) || !doc.at(kCount).is_number_integer() || offset > doc.at(kCount).get<long>()) break;
    }
    cache->locations.push_back(options.location_id);
    return Status::OK();
  }
  for (const std::string& id : options.station_ids) {
    if (cache->names.count(std::string(StripGhcndPrefix(id)))) continue;
    std::string url = options.endpoint + "/stations/" + HttpClient::Escape(WithPrefix(id));
    FRESHET_ASSIGN_OR_RETURN(Json doc, fetcher->GetJson(url, CheckStationsPage));
    AddStation(doc, cache);
  }
  return Status::OK();
}

std::string DataUrl(const CdoOptions& options, const std::string& start, const std::string& end, long offset) {
  std::string url = options.endpoint + "/data?datasetid=GHCND";
  if (!options.location_id.empty()) url += "&locationid=" + HttpClient::Escape(options.location_id);
  for (const std::string& id : options.station_ids) url += "&stationid=" + HttpClient::Escape(WithPrefix(id));
  url += "&startdate=" + start + "&enddate=" + end;
  for (const std::string& type : options.datatypes) url += "&datatypeid=" + HttpClient::Escape(type);
  url += "&units=metric&limit=" + std::to_string(kPageLimit) + "&offset=" + std::to_string(offset);
  return url;
}

// One API row -> Observation ("attributes" is "M,Q,S[,OBSTIME]"). REQUIRES: CheckDataPage passed.
Status RowToObservation(const Json& row, const StationNameCache& cache, Observation* obs) {
  obs->station.assign(StripGhcndPrefix(row["station"].get<std::string>()));
  obs->date = row["date"].get<std::string>().substr(0, 10);
  obs->element = row["datatype"].get<std::string>();
  FRESHET_ASSIGN_OR_RETURN(obs->value, ToMetric(obs->element, row["value"].dump(), UnitSystem::kMetric));
  std::string attributes =
      row.contains("attributes") && row["attributes"].is_string() ? row["attributes"].get<std::string>() : "";
  std::string* parts[] = {&obs->mflag, &obs->qflag, &obs->sflag, &obs->obs_time};
  std::stringstream in(attributes);
  for (std::string* part : parts) {
    part->clear();
    if (in.good()) std::getline(in, *part, ',');
  }
  auto name = cache.names.find(obs->station);
  obs->station_name = name == cache.names.end() ? "" : name->second;
  obs->source = "cdo-api";
  return Status::OK();
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> SplitDateRange(const std::string& start,
                                                                        const std::string& end) {
  FRESHET_ASSIGN_OR_RETURN(chr::sys_days first, ParseDay(start));
  FRESHET_ASSIGN_OR_RETURN(chr::sys_days last, ParseDay(end));
  if (last < first) return Status::InvalidArgument("--end " + end + " is before --start " + start);
  std::vector<std::pair<std::string, std::string>> ranges;
  while (first <= last) {
    chr::year_month_day next = chr::year_month_day(first) + chr::years(1);
    if (!next.ok()) next = next.year() / next.month() / chr::last;  // Feb 29 + 1 year
    chr::sys_days chunk_end = std::min(chr::sys_days(next) - chr::days(1), last);
    ranges.emplace_back(FormatDay(first), FormatDay(chunk_end));
    first = chunk_end + chr::days(1);
  }
  return ranges;
}

Result<CdoStats> IngestFromCdo(const CdoOptions& options, StationNameCache* cache, RecordSink* sink) {
  if (options.token.empty()) {
    return Status::InvalidArgument(
        "no NOAA token: pass --token or set NOAA_TOKEN (free at https://www.ncdc.noaa.gov/cdo-web/token)");
  }
  if (options.location_id.empty() == options.station_ids.empty()) {
    return Status::InvalidArgument("give either --location or one or more --station");
  }
  FRESHET_ASSIGN_OR_RETURN(auto ranges, SplitDateRange(options.start_date, options.end_date));
  CdoStats stats;
  CdoFetcher fetcher(options, &stats);
  FRESHET_RETURN_IF_ERROR(FetchStationNames(options, &fetcher, cache));
  RecordBatcher batcher(sink);
  std::vector<PendingRecord> records;
  Observation obs;
  for (const auto& [start, end] : ranges) {
    for (long offset = 1;;) {
      std::string url = DataUrl(options, start, end, offset);
      FRESHET_ASSIGN_OR_RETURN(Json doc, fetcher.GetJson(url, CheckDataPage));
      if (doc.empty() || doc["results"].empty()) break;
      ++stats.pages;
      size_t row_number = 0;
      for (const Json& row : doc["results"]) {
        ++row_number;
        Status st = RowToObservation(row, *cache, &obs);
        if (!st.ok()) return Status::IOError("GET " + url + ": " + st.message());
        records.clear();
        AppendObservationRecord(obs, &records);
        // The station id becomes the partition key: an empty or over-long one cannot be put.
        st = CheckRecordLimits(records.back());
        if (!st.ok()) {
          std::string station = row["station"].get<std::string>();
          if (station.size() > 64) station = station.substr(0, 64) + "...";
          return Status::IOError("GET " + url + ": result " + std::to_string(row_number) + " (station '" + station +
                                 "'): " + st.message());
        }
        FRESHET_RETURN_IF_ERROR(batcher.Add(std::move(records.back())));
      }
      FRESHET_RETURN_IF_ERROR(batcher.Flush());  // a page is durable before the next request
      offset += static_cast<long>(doc["results"].size());
      if (offset > doc["metadata"]["resultset"]["count"].get<long>()) break;
    }
  }
  stats.records = batcher.records_put();
  return stats;
}

Status StationNameCache::Load() {
  if (path_.empty()) return Status::OK();
  std::ifstream in(path_);
  if (!in) return Status::OK();  // no cache yet
  Json doc = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Status::Corruption(path_ + ": not the station name cache freshet writes");
  try {
    if (doc.contains("stations")) names = doc["stations"].get<std::map<std::string, std::string>>();
    if (doc.contains("locations")) locations = doc["locations"].get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    return Status::Corruption(path_ + ": " + e.what());
  }
  return Status::OK();
}

Status StationNameCache::Save() const {
  if (path_.empty()) return Status::OK();
  Json doc = {{"stations", names}, {"locations", locations}};
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << doc.dump(1) << "\n";
    if (!out.flush()) return Status::IOError(tmp + ": cannot write");
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) return Status::IOError(path_ + ": cannot replace");
  return Status::OK();
}

}  // namespace freshet::ingest
