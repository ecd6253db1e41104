// The Docker launcher's public surface (lazy-load this module: it pulls in testcontainers).
export { MesoliteCluster, ClusterExistsError } from './cluster';
export { StartedMesoliteCluster, connectToCluster, memberLogs, type DockerClusterInfo, type DockerMember } from './started';
export { removeCluster, clusterContainers } from './engine';
export { imagesFromEnvironment, ensureRuntimeImage, DEFAULT_NODE_IMAGE, DEFAULT_ZOOKEEPER_IMAGE } from './images';
