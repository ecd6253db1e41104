// The Mesos API level we implement, reported where Mesos reports its version.
export const MASTER_VERSION = '1.11.0';
export const MESOLITE_VERSION = '0.1.0';
