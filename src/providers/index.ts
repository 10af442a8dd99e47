/**
 * The built-in providers, and nothing else (STYLE 2.2). A new mechanism adds one line here.
 */
import type { ProviderDefinition } from "./provider.js";
import { staticProvider } from "./static/provider.js";
import { fileProvider } from "./file/provider.js";
import { dnsProvider } from "./dns/provider.js";
import { nerveProvider, serversetProvider } from "./zookeeper/provider.js";
import { consulProvider } from "./consul/provider.js";
import { httpProvider } from "./http/provider.js";
import { kubernetesProvider } from "./kubernetes/provider.js";
import { marathonProvider } from "./marathon/provider.js";
import { hetznerProvider } from "./hetzner/provider.js";
import { openstackProvider } from "./openstack/provider.js";
import { ovhcloudProvider } from "./ovhcloud/provider.js";
import { digitalOceanProvider } from "./digitalocean/provider.js";
import { eurekaProvider } from "./eureka/provider.js";
import { vultrProvider } from "./vultr/provider.js";
import { dockerProvider } from "./docker/provider.js";
import { ionosProvider } from "./ionos/provider.js";
import { ec2Provider } from "./ec2/provider.js";
import { lightsailProvider } from "./lightsail/provider.js";
import { awsProvider } from "./aws/provider.js";
import { mskProvider } from "./msk/provider.js";
import { dockerSwarmProvider } from "./dockerswarm/provider.js";
import { tritonProvider } from "./triton/provider.js";
import { scalewayProvider } from "./scaleway/provider.js";
import { linodeProvider } from "./linode/provider.js";
import { stackitProvider } from "./stackit/provider.js";
import { puppetDbProvider } from "./puppetdb/provider.js";
import { uyuniProvider } from "./uyuni/provider.js";
import { outscaleProvider } from "./outscale/provider.js";
import { azureProvider } from "./azure/provider.js";
import { ociProvider } from "./oci/provider.js";
import { nomadProvider } from "./nomad/provider.js";
import { gceProvider } from "./gce/provider.js";
import { kumaProvider } from "./kuma/provider.js";

export const builtinProviders: readonly ProviderDefinition<unknown>[] = [
  staticProvider,
  fileProvider,
  dnsProvider,
  serversetProvider,
  nerveProvider,
  consulProvider,
  httpProvider,
  kubernetesProvider,
  marathonProvider,
  hetznerProvider,
  openstackProvider,
  ovhcloudProvider,
  digitalOceanProvider,
  eurekaProvider,
  vultrProvider,
  dockerProvider,
  ionosProvider,
  ec2Provider,
  lightsailProvider,
  awsProvider,
  mskProvider,
  dockerSwarmProvider,
  tritonProvider,
  scalewayProvider,
  linodeProvider,
  stackitProvider,
  puppetDbProvider,
  uyuniProvider,
  outscaleProvider,
  azureProvider,
  ociProvider,
  nomadProvider,
  gceProvider,
  kumaProvider,
];

/**
 * Every `*_sd_configs` key Prometheus 3.x knows (spec core.md 5.3). Keys whose mechanism promsd does not
 * implement yet are accepted, warned about once per job, and contribute no targets.
 */
export const KNOWN_SD_CONFIG_KEYS: readonly string[] = [
  "aws_sd_configs", "azure_sd_configs", "consul_sd_configs", "digitalocean_sd_configs", "dns_sd_configs",
  "docker_sd_configs", "dockerswarm_sd_configs", "ec2_sd_configs", "ecs_sd_configs", "elasticache_sd_configs",
  "eureka_sd_configs", "file_sd_configs", "gce_sd_configs", "hetzner_sd_configs", "http_sd_configs",
  "ionos_sd_configs", "kubernetes_sd_configs", "kuma_sd_configs", "lightsail_sd_configs", "linode_sd_configs",
  "marathon_sd_configs", "msk_sd_configs", "nerve_sd_configs", "nomad_sd_configs", "oci_sd_configs",
  "openstack_sd_configs", "outscale_sd_configs", "ovhcloud_sd_configs", "puppetdb_sd_configs", "rds_sd_configs",
  "scaleway_sd_configs", "serverset_sd_configs", "stackit_sd_configs", "triton_sd_configs", "uyuni_sd_configs",
  "vultr_sd_configs",
];
