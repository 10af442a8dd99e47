/**
 * MSK clusters and their nodes → targets, label for label as Prometheus's `MSKDiscovery.refresh`
 * (3.x discovery/aws/msk.go): one target per endpoint of every broker node (`__meta_msk_broker_*`) and
 * every controller node (`__meta_msk_controller_*`, KRaft), each with the cluster's labels and tags; nodes
 * of neither kind are skipped. The input is the SDK's output shape (also the fixtures' shape).
 */
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import { joinHostPort } from "../ec2/instances.js";

const MSK = "__meta_msk_";

export interface MskCluster {
  readonly ClusterName?: string | undefined;
  readonly ClusterArn?: string | undefined;
  readonly State?: string | undefined;
  readonly ClusterType?: string | undefined;
  readonly CurrentVersion?: string | undefined;
  readonly Tags?: Readonly<Record<string, string>> | undefined;
  readonly Provisioned?: {
    readonly CurrentBrokerSoftwareInfo?: { readonly ConfigurationArn?: string | undefined; readonly ConfigurationRevision?: number | undefined; readonly KafkaVersion?: string | undefined } | undefined;
    readonly OpenMonitoring?: { readonly Prometheus?: { readonly JmxExporter?: { readonly EnabledInBroker?: boolean | undefined } | undefined; readonly NodeExporter?: { readonly EnabledInBroker?: boolean | undefined } | undefined } | undefined } | undefined;
  } | undefined;
}

export interface MskNode {
  readonly NodeARN?: string | undefined;
  readonly AddedToClusterTime?: string | undefined;
  readonly InstanceType?: string | undefined;
  readonly BrokerNodeInfo?: { readonly AttachedENIId?: string | undefined; readonly BrokerId?: number | undefined; readonly ClientSubnet?: string | undefined; readonly ClientVpcIpAddress?: string | undefined; readonly Endpoints?: readonly string[] | undefined } | undefined;
  readonly ControllerNodeInfo?: { readonly Endpoints?: readonly string[] | undefined } | undefined;
}

function clusterLabels(cluster: MskCluster): Record<string, string> {
  const software = cluster.Provisioned?.CurrentBrokerSoftwareInfo;
  const labels: Record<string, string> = {
    [`${MSK}cluster_name`]: cluster.ClusterName ?? "",
    [`${MSK}cluster_arn`]: cluster.ClusterArn ?? "",
    [`${MSK}cluster_state`]: cluster.State ?? "",
    [`${MSK}cluster_type`]: cluster.ClusterType ?? "",
    [`${MSK}cluster_version`]: cluster.CurrentVersion ?? "",
    [`${MSK}cluster_jmx_exporter_enabled`]: String(cluster.Provisioned?.OpenMonitoring?.Prometheus?.JmxExporter?.EnabledInBroker ?? false),
    [`${MSK}cluster_configuration_arn`]: software?.ConfigurationArn ?? "",
    [`${MSK}cluster_configuration_revision`]: String(software?.ConfigurationRevision ?? 0),
    [`${MSK}cluster_kafka_version`]: software?.KafkaVersion ?? "",
  };
  for (const [key, value] of Object.entries(cluster.Tags ?? {})) labels[`${MSK}cluster_tag_${sanitizeLabelName(key)}`] = value;
  return labels;
}

export function mskTargets(clusters: readonly MskCluster[], nodesByCluster: ReadonlyMap<string, readonly MskNode[]>, port: number): LabelSet[] {
  const targets: LabelSet[] = [];
  for (const cluster of clusters) {
    const base = clusterLabels(cluster);
    for (const node of nodesByCluster.get(cluster.ClusterArn ?? "") ?? []) {
      const labels: Record<string, string> = { ...base, [`${MSK}node_arn`]: node.NodeARN ?? "", [`${MSK}node_added_time`]: node.AddedToClusterTime ?? "", [`${MSK}node_instance_type`]: node.InstanceType ?? "" };
      let endpoints: readonly string[];
      let indexLabel: string;
      if (node.BrokerNodeInfo !== undefined) {
        const broker = node.BrokerNodeInfo;
        Object.assign(labels, {
          [`${MSK}node_type`]: "BROKER",
          [`${MSK}node_attached_eni`]: broker.AttachedENIId ?? "",
          // Go formats the float64 broker id with %.0f.
          [`${MSK}broker_id`]: (broker.BrokerId ?? 0).toFixed(0),
          [`${MSK}broker_client_subnet`]: broker.ClientSubnet ?? "",
          [`${MSK}broker_client_vpc_ip`]: broker.ClientVpcIpAddress ?? "",
          [`${MSK}broker_node_exporter_enabled`]: String(cluster.Provisioned?.OpenMonitoring?.Prometheus?.NodeExporter?.EnabledInBroker ?? false),
        });
        endpoints = broker.Endpoints ?? [];
        indexLabel = `${MSK}broker_endpoint_index`;
      } else if (node.ControllerNodeInfo !== undefined) {
        labels[`${MSK}node_type`] = "CONTROLLER";
        endpoints = node.ControllerNodeInfo.Endpoints ?? [];
        indexLabel = `${MSK}controller_endpoint_index`;
      } else {
        continue;
      }
      endpoints.forEach((endpoint, index) => targets.push({ ...labels, [indexLabel]: String(index), __address__: joinHostPort(endpoint, port) }));
    }
  }
  return targets;
}
