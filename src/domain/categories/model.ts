export interface CategoryRecord {
  _id: string;
  name: string;
  icon: string;
  color: string;
  sortOrder: number;
}
