/**
 * A fake EC2 speaking the query API the SDKs use (POST, form body `Action=DescribeInstances&Version=…`,
 * XML answers in the 2016-11-15 namespace), on 127.0.0.1: DescribeInstances with `Filter.N.Name/Value.M`,
 * `MaxResults`-independent paging by `NextToken` (the page size is the fake's), and
 * DescribeAvailabilityZones. Instances are given in the SDK's shape (./instances.ts), the same as the
 * JSON fixtures, and rendered to EC2's XML element names (`dnsName`, `ipAddress`, `instanceState`, …).
 * Faults come from the shared AWS fake (src/testing/cloud/aws/aws-fake.ts).
 */
import { ec2ErrorAnswer, startAwsFake, xmlEscape, type AwsFake, type AwsFakeOptions, type AwsFakeRequest } from "../../testing/cloud/aws/aws-fake.js";
import type { Ec2Instance, Ec2NetworkInterface, Ec2Reservation } from "./instances.js";

export interface FakeEc2Reservation extends Ec2Reservation {
  readonly ReservationId?: string;
}

export interface FakeEc2Zone {
  readonly ZoneName: string;
  readonly ZoneId: string;
}

export interface FakeEc2 extends AwsFake {
  setReservations(reservations: readonly FakeEc2Reservation[]): void;
  setZones(zones: readonly FakeEc2Zone[]): void;
}

const NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
const XML_HEADERS = { "content-type": "text/xml;charset=UTF-8" };

const el = (name: string, value: string | number | boolean | undefined): string => (value === undefined ? "" : `<${name}>${xmlEscape(String(value))}</${name}>`);
const set = <T>(name: string, items: readonly T[] | undefined, render: (item: T) => string): string =>
  items === undefined ? "" : `<${name}>${items.map((item) => `<item>${render(item)}</item>`).join("")}</${name}>`;

function renderInterface(eni: Ec2NetworkInterface): string {
  const attachment = eni.Attachment === undefined ? "" : `<attachment>${el("deviceIndex", eni.Attachment.DeviceIndex)}</attachment>`;
  return el("subnetId", eni.SubnetId) + attachment + set("ipv6AddressesSet", eni.Ipv6Addresses, (a) => el("ipv6Address", a.Ipv6Address) + el("isPrimaryIpv6", a.IsPrimaryIpv6));
}

const STATE_CODES: Readonly<Record<string, number>> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

function renderInstance(i: Ec2Instance): string {
  const state = i.State === undefined ? "" : `<instanceState>${el("code", STATE_CODES[i.State.Name ?? ""] ?? 16)}${el("name", i.State.Name)}</instanceState>`;
  const placement = i.Placement === undefined ? "" : `<placement>${el("availabilityZone", i.Placement.AvailabilityZone)}</placement>`;
  return (
    el("instanceId", i.InstanceId) + el("imageId", i.ImageId) + state + el("privateDnsName", i.PrivateDnsName) + el("dnsName", i.PublicDnsName) +
    el("instanceType", i.InstanceType) + placement + el("platform", i.Platform) + el("subnetId", i.SubnetId) + el("vpcId", i.VpcId) +
    el("privateIpAddress", i.PrivateIpAddress) + el("ipAddress", i.PublicIpAddress) + el("architecture", i.Architecture) +
    el("instanceLifecycle", i.InstanceLifecycle) + set("tagSet", i.Tags, (t) => el("key", t.Key) + el("value", t.Value)) +
    set("networkInterfaceSet", i.NetworkInterfaces, renderInterface)
  );
}

/** `Filter.N.Name` / `Filter.N.Value.M` from the form body. */
function parseFilters(form: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let n = 1; form.has(`Filter.${n}.Name`); n++) {
    const values: string[] = [];
    for (let m = 1; form.has(`Filter.${n}.Value.${m}`); m++) values.push(form.get(`Filter.${n}.Value.${m}`) ?? "");
    filters.set(form.get(`Filter.${n}.Name`) ?? "", values);
  }
  return filters;
}

/** The filters the fake understands; others are refused as EC2 refuses unknown names. */
function filterValue(instance: Ec2Instance, name: string): string[] | undefined {
  if (name === "instance-state-name") return [instance.State?.Name ?? ""];
  if (name === "instance-type") return [instance.InstanceType ?? ""];
  if (name === "instance-id") return [instance.InstanceId ?? ""];
  if (name === "tag-key") return (instance.Tags ?? []).map((t) => t.Key ?? "");
  if (name.startsWith("tag:")) return (instance.Tags ?? []).filter((t) => t.Key === name.slice(4)).map((t) => t.Value ?? "");
  return undefined;
}

export async function startFakeEc2(options: { reservations?: readonly FakeEc2Reservation[]; zones?: readonly FakeEc2Zone[]; pageSize?: number } & AwsFakeOptions = {}): Promise<FakeEc2> {
  let reservations = options.reservations ?? [];
  let zones = options.zones ?? [];
  const pageSize = options.pageSize ?? 1000;
  const describeInstances = (request: AwsFakeRequest) => {
    const filters = parseFilters(request.form);
    for (const name of filters.keys()) {
      if (filterValue({}, name) === undefined) return ec2ErrorAnswer("InvalidParameterValue", 400, `The filter '${name}' is invalid`);
    }
    const matches = (instance: Ec2Instance): boolean => [...filters].every(([name, values]) => (filterValue(instance, name) ?? []).some((v) => values.includes(v)));
    const selected = reservations.map((r) => ({ ...r, Instances: (r.Instances ?? []).filter(matches) })).filter((r) => r.Instances.length > 0 || filters.size === 0);
    const start = Number(request.form.get("NextToken") ?? "0");
    const page = selected.slice(start, start + pageSize);
    const next = start + pageSize < selected.length ? el("nextToken", String(start + pageSize)) : "";
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="${NS}"><requestId>fake</requestId>${set("reservationSet", page, (r) => el("reservationId", r.ReservationId ?? "r-0") + el("ownerId", r.OwnerId) + set("instancesSet", r.Instances, renderInstance))}${next}</DescribeInstancesResponse>`;
    return { status: 200, headers: XML_HEADERS, body };
  };
  const fake = await startAwsFake((request) => {
    if (request.method !== "POST") return undefined;
    if (request.operation === "DescribeInstances") return describeInstances(request);
    if (request.operation === "DescribeAvailabilityZones") {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeAvailabilityZonesResponse xmlns="${NS}"><requestId>fake</requestId>${set("availabilityZoneInfo", zones, (z) => el("zoneName", z.ZoneName) + el("zoneId", z.ZoneId) + el("zoneState", "available"))}</DescribeAvailabilityZonesResponse>`;
      return { status: 200, headers: XML_HEADERS, body };
    }
    return ec2ErrorAnswer("InvalidAction", 400, `The action ${request.operation} is not valid for this web service.`);
  }, options);
  return {
    ...fake,
    setReservations: (next) => void (reservations = next),
    setZones: (next) => void (zones = next),
  };
}
