// The Docker launcher's public surface (lazy-load this module: it pulls in testcontainers).
export { MesoliteCluster, ClusterExistsError } from './cluster';
export { StartedMesoliteCluster, connectToCluster, memberLogs, type DockerClusterInfo, type DockerMember } from './started';
export { removeCluster, clusterContainers, clusterGone } from './engine';
export { imagesFromEnvironment, ensureRuntimeImage, ImageUnavailableError, DEFAULT_NODE_IMAGE, DEFAULT_ZOOKEEPER_IMAGE } from './images';
